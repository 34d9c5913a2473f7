"""Membership: join requests (入会申请) decided through the core review queue, members."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.organizations.models import JoinRequest, JoinRequestStatus, Organization, OrgRole, Role
from xiaoyou.organizations.services.roles import role_grant

JOIN_REVIEW_KIND = "organizations.join"


@transaction.atomic
def join_request_submit(*, actor: Any, org: Organization, message: str = "") -> JoinRequest:
    """The signed-in actor asks to join `org`; the request goes to the org's review queue.

    Refused when the org is inactive, when the actor is already a member of it, or when a
    request of theirs is already pending.
    """
    from xiaoyou.core import policy, reviews
    from xiaoyou.core.errors import ApplicationError
    from xiaoyou.organizations import errors

    policy.require(actor, "submit", JoinRequest)
    if not org.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    if OrgRole.objects.filter(user=actor, org=org).exists():
        raise ApplicationError(errors.ALREADY_MEMBER, status=409)
    if JoinRequest.objects.filter(user=actor, org=org, status=JoinRequestStatus.PENDING).exists():
        raise ApplicationError(errors.JOIN_REQUEST_PENDING, status=409)
    join_request = JoinRequest.objects.create(user=actor, org=org, message=message.strip()[:1000])
    reviews.review_submit(
        obj=join_request,
        submitter=actor,
        org=org,
        summary=_join_summary(join_request),
        kind=JOIN_REVIEW_KIND,
    )
    return join_request


def _join_summary(join_request: JoinRequest) -> str:
    # Stored once and read by admins in any language: names only, no translated words.
    return f"{join_request.user} → {join_request.org}"


def join_request_approve(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the applicant becomes a member (through role_grant, which audits it)."""
    join_request.status = JoinRequestStatus.APPROVED
    join_request.save(update_fields=["status", "updated_at"])
    role_grant(actor=actor, user=join_request.user, org=join_request.org, role=Role.MEMBER)


def join_request_reject(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the request is closed; the queue has already required a reason."""
    join_request.status = JoinRequestStatus.REJECTED
    join_request.save(update_fields=["status", "updated_at"])


def register_review_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core import reviews

    reviews.register(
        JOIN_REVIEW_KIND,
        model=JoinRequest,
        label=_("Join requests"),
        on_approve=join_request_approve,
        on_reject=join_request_reject,
        summary=_join_summary,
        order=10,
        details=_join_details,
    )


def _join_details(join_request: JoinRequest) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Applicant"), join_request.user),
        (_("Organization"), join_request.org),
        (_("Message"), join_request.message or "—"),
    ]
