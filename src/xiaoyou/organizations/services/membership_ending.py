"""Ending memberships: members leaving, admins' removals and bans.

A membership and its OrgRole(member) row change together; ending a membership (leave, removal,
ban) ends the person's memberships in the org's sub-organizations too.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, fragment_cache, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organization,
    OrgRole,
    Role,
)
from xiaoyou.organizations.services.activation import MEMBERSHIP_TOPIC
from xiaoyou.organizations.services.roles import role_revoke

MEMBERSHIP_ENDED_KIND = "organizations.membership_ended"


def membership_leave(*, actor: Any, org: Organization) -> list[Membership]:
    """The actor leaves `org`, and with it its sub-organizations (leaving the main association
    leaves every organization). Their member roles there are given up; returns the ended rows."""
    from xiaoyou.organizations import selectors_membership as selectors

    if not selectors.is_member(actor, org):
        raise ApplicationError(member_errors.NOT_A_MEMBER, status=403)
    with transaction.atomic():
        ended = _end_memberships(
            actor=actor,
            user=actor,
            org=org,
            status=MembershipStatus.LEFT,
            reason="",
            action="membership.leave",
        )
    return ended


def _end_memberships(
    *, actor: Any, user: Any, org: Organization, status: str, reason: str, action: str
) -> list[Membership]:
    """Ends the user's active memberships in `org`'s subtree and revokes their member roles."""
    now = timezone.now()
    memberships = list(
        Membership.objects.select_for_update()
        .filter(user=user, org__path__startswith=org.path, status=MembershipStatus.ACTIVE)
        .select_related("org")
    )
    own = Membership.objects.filter(user=user, org=org).first()
    if own is not None and own not in memberships and status == MembershipStatus.BANNED:
        # A ban holds even when the person had already left.
        memberships.append(own)
    for membership in memberships:
        before = membership.status
        if membership.org_id == org.pk or status == MembershipStatus.LEFT:
            membership.status = status
        else:
            # Removed or banned from an org: removed from its sub-organizations (the ban of
            # the org already covers them, see selectors_membership.is_banned).
            membership.status = MembershipStatus.REMOVED
        membership.ended_at = now
        membership.end_reason = reason[:300]
        membership.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        audit.record(
            actor=actor,
            action=action,
            obj=membership,
            org=membership.org,
            changes={"status": [before, membership.status], "reason": [None, reason]}
            if reason
            else {"status": [before, membership.status]},
        )
    member_roles = OrgRole.objects.filter(
        user=user, role=Role.MEMBER, org__path__startswith=org.path
    ).select_related("org")
    for granted in list(member_roles):
        role_revoke(actor=actor, user=user, org=granted.org, role=Role.MEMBER)
    fragment_cache.invalidate(MEMBERSHIP_TOPIC)
    return memberships


# --- Admins: removal, bans, imports ----------------------------------------------------------


def member_remove(*, actor: Any, membership: Membership, reason: str) -> Membership:
    """An admin of the org removes a member, with a reason (they may apply again later)."""
    return _member_end(
        actor=actor,
        membership=membership,
        reason=reason,
        status=MembershipStatus.REMOVED,
        action="membership.remove",
    )


def member_ban(*, actor: Any, membership: Membership, reason: str) -> Membership:
    """An admin bans a member, with a reason: they leave and can never apply again (to this org
    nor to its sub-organizations)."""
    return _member_end(
        actor=actor,
        membership=membership,
        reason=reason,
        status=MembershipStatus.BANNED,
        action="membership.ban",
    )


def _member_end(
    *, actor: Any, membership: Membership, reason: str, status: str, action: str
) -> Membership:
    policy.require(actor, "manage", membership)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(member_errors.REASON_REQUIRED)
    if membership.status == status:
        return membership
    with transaction.atomic():
        if membership.user_id is None:
            before = membership.status
            membership.status = status
            membership.ended_at = timezone.now()
            membership.end_reason = reason[:300]
            membership.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
            audit.record(
                actor=actor,
                action=action,
                obj=membership,
                org=membership.org,
                changes={"status": [before, status], "reason": [None, reason]},
            )
        else:
            _end_memberships(
                actor=actor,
                user=membership.user,
                org=membership.org,
                status=status,
                reason=reason,
                action=action,
            )
            if status == MembershipStatus.BANNED:
                _close_pending_requests(membership, reason=reason, actor=actor)
            notifications.notify(
                user=membership.user,
                kind=MEMBERSHIP_ENDED_KIND,
                context={
                    "org_name": membership.org.name,
                    "banned": status == MembershipStatus.BANNED,
                    "reason": reason,
                    "url": reverse("hall:my_orgs"),
                },
            )
        membership.refresh_from_db()
    return membership


def _close_pending_requests(membership: Membership, *, reason: str, actor: Any) -> None:
    """A banned person's pending requests in the branch are closed with the ban's reason (and
    leave the to-do list)."""
    from django.contrib.contenttypes.models import ContentType

    from xiaoyou.core.models import ReviewItem, ReviewStatus

    now = timezone.now()
    pending = JoinRequest.objects.filter(
        user=membership.user,
        org__path__startswith=membership.org.path,
        status=JoinRequestStatus.PENDING,
    )
    ids = [str(pk) for pk in pending.values_list("pk", flat=True)]
    if not ids:
        return
    pending.update(status=JoinRequestStatus.REJECTED, decided_at=now, decision_reason=reason[:1000])
    ReviewItem.objects.filter(
        content_type=ContentType.objects.get_for_model(JoinRequest),
        object_id__in=ids,
        status=ReviewStatus.PENDING,
    ).update(status=ReviewStatus.REJECTED, decided_by=actor, decided_at=now, reason=reason)
