"""Reads of the hall shell: the main association's newest members, the personal center's
membership state. Each is one query whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from xiaoyou.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organization,
    OrgRole,
    Role,
)

RECENT_MEMBERS = 10


def _root_id() -> Subquery:
    """The main association's id as a scalar subquery (root_organization()'s rule), so callers
    filter `org_id = (...)` and the (org, status, joined_at) index serves the order."""
    return Subquery(
        Organization.objects.filter(parent__isnull=True, is_active=True)
        .order_by("id")
        .values("id")[:1]
    )


def recent_main_members(limit: int = RECENT_MEMBERS) -> list[Membership]:
    """The latest active members of the main association who have an account: one query."""
    return list(
        Membership.objects.filter(
            org_id=_root_id(), status=MembershipStatus.ACTIVE, user__isnull=False
        )
        .select_related("user")
        .order_by("-joined_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class MainMembership:
    """The signed-in user's standing in the main association, for the personal center."""

    org: Organization | None
    is_member: bool  # an active membership or the member role (selectors_membership's rule)
    has_membership_row: bool  # joined through a membership whose information can be edited
    pending_request_id: int | None


def main_membership(user: Any) -> MainMembership:
    """The main association with the user's membership, member role and pending join request
    read alongside it: one query (annotations)."""
    member_role = OrgRole.objects.filter(user=user, org=OuterRef("pk"), role=Role.MEMBER)
    active = Membership.objects.filter(
        user=user, org=OuterRef("pk"), status=MembershipStatus.ACTIVE
    )
    pending = JoinRequest.objects.filter(
        user=user, org=OuterRef("pk"), status=JoinRequestStatus.PENDING
    )
    org = (
        Organization.objects.filter(parent__isnull=True, is_active=True)
        .annotate(
            has_role=Exists(member_role),
            has_membership=Exists(active),
            pending_id=Subquery(pending.values("id")[:1]),
        )
        .order_by("id")
        .first()
    )
    if org is None:
        return MainMembership(
            org=None, is_member=False, has_membership_row=False, pending_request_id=None
        )
    has_membership = bool(org.has_membership)  # type: ignore[attr-defined]
    return MainMembership(
        org=org,
        is_member=has_membership or bool(org.has_role),  # type: ignore[attr-defined]
        has_membership_row=has_membership,
        pending_request_id=org.pending_id,  # type: ignore[attr-defined]
    )
