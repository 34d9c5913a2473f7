"""Decisions on join requests: the review queue's callbacks and the notification kinds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import notifications, reviews
from xiaoyou.organizations.models import (
    JoinFieldType,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipSource,
    MembershipStatus,
)
from xiaoyou.organizations.services.activation import membership_activate
from xiaoyou.organizations.services.joining import JOIN_REVIEW_KIND, _apply_answers, _join_summary
from xiaoyou.organizations.services.membership_ending import MEMBERSHIP_ENDED_KIND

JOIN_DECIDED_KIND = "organizations.join_decided"


# --- Review callbacks -------------------------------------------------------------------------


def join_request_approve(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the applicant becomes a member, or their new information applies."""
    join_request.status = JoinRequestStatus.APPROVED
    join_request.decided_at = timezone.now()
    join_request.decision_reason = reason
    join_request.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    if join_request.is_update:
        membership = Membership.objects.filter(
            org=join_request.org, user=join_request.user, status=MembershipStatus.ACTIVE
        ).first()
        if membership is not None:
            _apply_answers(actor=actor, membership=membership, answers=join_request.answers)
    else:
        membership_activate(
            actor=actor,
            org=join_request.org,
            user=join_request.user,
            source=MembershipSource.APPLICATION,
            answers=join_request.answers,
            alumni_record=join_request.matched_record,
        )
    _notify_decision(join_request, approved=True, reason=reason)


def join_request_reject(
    join_request: JoinRequest, *, item: Any, actor: Any, reason: str = ""
) -> None:
    """Review callback: the request is closed with the queue's (required) reason; a rejected
    update leaves the member's information as it was."""
    join_request.status = JoinRequestStatus.REJECTED
    join_request.decided_at = timezone.now()
    join_request.decision_reason = reason
    join_request.save(update_fields=["status", "decided_at", "decision_reason", "updated_at"])
    _notify_decision(join_request, approved=False, reason=reason)


def _notify_decision(join_request: JoinRequest, *, approved: bool, reason: str) -> None:
    notifications.notify(
        user=join_request.user,
        kind=JOIN_DECIDED_KIND,
        context={
            "org_name": join_request.org.name,
            "approved": approved,
            "is_update": join_request.is_update,
            "reason": reason,
            "url": reverse("hall:org_detail", args=[join_request.org_id]),
        },
    )


def register_review_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        JOIN_REVIEW_KIND,
        model=JoinRequest,
        label=_("Join requests"),
        on_approve=join_request_approve,
        on_reject=join_request_reject,
        summary=_join_summary,
        order=10,
        details=_join_details,
        # The applicant gets "organizations.join_decided" from the callbacks instead.
        notify_submitter=False,
    )


def _join_details(join_request: JoinRequest) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.organizations.forms_membership import answer_rows

    rows: list[tuple[Any, Any]] = [
        (_("Applicant"), join_request.user),
        (_("Organization"), join_request.org),
        (_("Type"), _("Change of information") if join_request.is_update else _("New member")),
        (_("Message"), join_request.message or "—"),
    ]
    record = join_request.matched_record
    if record is not None:
        rows.append((_("Matched alumni record"), f"{record.name} · {record.student_id or '—'}"))
    for label, value, kind in answer_rows(join_request.org.join_form, join_request.answers):
        if kind == JoinFieldType.FILE and isinstance(value, Mapping):
            value = value.get("name", "")
        rows.append((label, value if value not in (None, "") else "—"))
    return rows


def register_notification_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core.models import Channel

    notifications.register_kind(
        JOIN_DECIDED_KIND,
        _("Join decisions"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.WECHAT],
        description=_("When an organization accepts or declines your request to join"),
        order=20,
    )
    notifications.register_kind(
        MEMBERSHIP_ENDED_KIND,
        _("Membership ended"),
        default_channels=[Channel.IN_APP, Channel.EMAIL],
        description=_("When an organization removes you from its members"),
        order=21,
    )
