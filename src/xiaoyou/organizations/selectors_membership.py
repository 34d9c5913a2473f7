"""Reads of membership: members (scoped for admins), my organizations and applications, the
directory, an organization's home page figures, and recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import policy
from xiaoyou.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    MemberGroup,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationKind,
    OrgRole,
    Role,
    Visibility,
)


def root_of(org: Organization) -> Organization:
    """The main association at the top of `org`'s tree (the org itself for a root)."""
    ids = org.ancestor_ids()
    if not ids or ids[0] == org.pk:
        return org
    return Organization.objects.get(pk=ids[0])


def open_organizations() -> QuerySet[Organization]:
    """Organizations that take members: active and not archived."""
    return Organization.objects.filter(is_active=True, archived_at__isnull=True)


# --- A person's own memberships and applications ------------------------------------------


def active_membership(user: Any, org: Organization) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, org=org, status=MembershipStatus.ACTIVE).first()


def is_member(user: Any, org: Organization) -> bool:
    """An active membership of `org` itself, or a member role given there directly (before
    memberships existed, roles were the record of it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.filter(user=user, org=org, status=MembershipStatus.ACTIVE).exists()
        or OrgRole.objects.filter(user=user, org=org, role=Role.MEMBER).exists()
    )


def is_main_member(user: Any) -> bool:
    """A member of a main association (a root of the tree)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, org__parent__isnull=True
        ).exists()
        or OrgRole.objects.filter(user=user, role=Role.MEMBER, org__parent__isnull=True).exists()
    )


def my_memberships(user: Any) -> QuerySet[Membership]:
    """The user's active memberships, in tree order."""
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("org")
        .order_by("org__path")
    )


def my_join_requests(user: Any) -> QuerySet[JoinRequest]:
    """Everything the user asked (joining, updates of their information), newest first."""
    return (
        JoinRequest.objects.filter(user=user).select_related("org").order_by("-created_at", "-id")
    )


def pending_request(user: Any, org: Organization) -> JoinRequest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return JoinRequest.objects.filter(user=user, org=org, status=JoinRequestStatus.PENDING).first()


def is_banned(user: Any, org: Organization) -> bool:
    """Banned from `org` or from an organization above it (a ban covers the whole branch)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, status=MembershipStatus.BANNED, org_id__in=org.ancestor_ids()
    ).exists()


# --- The hall: directory and home page ------------------------------------------------------


def directory(*, kind: str = "", text: str = "") -> QuerySet[Organization]:
    """Public organizations (listed in the directory), optionally of one kind or matching text."""
    queryset = open_organizations().filter(visibility=Visibility.PUBLIC)
    if kind in OrganizationKind.values:
        queryset = queryset.filter(kind=kind)
    text = text.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(city__icontains=text)
        )
    return queryset.annotate(
        member_total=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    ).order_by("path")


def hall_organization(user: Any, pk: int) -> Organization | None:
    """An organization whose hall page `user` may open; None for "not found".

    Public and unlisted ones are open to anyone with the link; private ones only to their
    members and admins. Archived ones stay readable (their history), inactive ones do not.
    """
    org = Organization.objects.filter(pk=pk, is_active=True).first()
    if org is None:
        return None
    if org.visibility != Visibility.PRIVATE:
        return org
    from xiaoyou.organizations.selectors import has_role

    if has_role(user, org, Role.ADMIN) or active_membership(user, org) is not None:
        return org
    return None


def member_count(org: Organization) -> int:
    return Membership.objects.filter(org=org, status=MembershipStatus.ACTIVE).count()


def org_leaders(org: Organization) -> list[OrgRole]:
    """Presidents, then admins, of the org itself (not those above it)."""
    roles = list(
        OrgRole.objects.filter(org=org, role__in=[Role.PRESIDENT, Role.ADMIN])
        .select_related("user")
        .order_by("role", "created_at")
    )
    order = {Role.PRESIDENT: 0, Role.ADMIN: 1}
    seen: set[int] = set()
    result = []
    for role in sorted(roles, key=lambda item: order.get(Role(item.role), 9)):
        if role.user_id not in seen:
            seen.add(role.user_id)
            result.append(role)
    return result


# --- Console and API: members of organizations an admin runs --------------------------------


def members_visible_to(user: Any) -> QuerySet[Membership]:
    """Memberships of the organizations `user` administers (subtrees), ready for a list."""
    return policy.scoped(
        Membership.objects.select_related("org", "user", "alumni_record").prefetch_related(
            "groups"
        ),
        user,
        "view",
    )


def members_of(user: Any, org: Organization, *, subtree: bool = True) -> QuerySet[Membership]:
    """Members of `org` (and of its sub-organizations with `subtree`) that `user` may see."""
    queryset = members_visible_to(user)
    if subtree:
        return queryset.filter(org__path__startswith=org.path)
    return queryset.filter(org=org)


def groups_of(org: Organization) -> QuerySet[MemberGroup]:
    return MemberGroup.objects.filter(org=org).annotate(
        member_total=Count("members", filter=Q(members__status=MembershipStatus.ACTIVE))
    )


def membership_history(membership: Membership) -> QuerySet[JoinRequest]:
    if membership.user_id is None:
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(
        user_id=membership.user_id, org_id=membership.org_id
    ).order_by("-created_at", "-id")


# --- Recommendations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    org: Organization
    reason: Any  # why: "Your department", "Your city", "Your industry"
    needs_form: bool


def alumni_record_of(user: Any) -> Any:
    """The user's alumni record: the one linked to the account, else the one a membership was
    matched to (the main association's first)."""
    from xiaoyou.alumni.models import AlumniRecord

    record = AlumniRecord.objects.filter(user=user).first()
    if record is not None:
        return record
    membership = (
        Membership.objects.filter(user=user, alumni_record__isnull=False)
        .select_related("alumni_record")
        .order_by("org__depth", "joined_at")
        .first()
    )
    return membership.alumni_record if membership is not None else None


def recommendations_for(user: Any) -> list[Recommendation]:
    """Organizations to suggest to a member of the main association.

    Rule: the college association of their department (Organization.department = the record's
    department), the regional association of their city and the industry association of their
    industry, from their alumni record; never one they belong to, have a pending request for,
    are banned from, nor an archived, inactive or private one.
    """
    if not is_main_member(user):
        return []
    record = alumni_record_of(user)
    if record is None:
        return []
    wanted: list[Q] = []
    if record.department_id:
        wanted.append(Q(kind=OrganizationKind.COLLEGE, department_id=record.department_id))
    if record.city:
        wanted.append(Q(kind=OrganizationKind.REGIONAL, city=record.city))
    if record.industry:
        wanted.append(Q(kind=OrganizationKind.INDUSTRY, industry=record.industry))
    if not wanted:
        return []
    query = Q()
    for condition in wanted:
        query |= condition
    excluded = set(
        Membership.objects.filter(user=user)
        .exclude(status__in=[MembershipStatus.LEFT, MembershipStatus.REMOVED])
        .values_list("org_id", flat=True)
    )
    excluded |= set(
        OrgRole.objects.filter(user=user, role=Role.MEMBER).values_list("org_id", flat=True)
    )
    excluded |= set(
        JoinRequest.objects.filter(user=user, status=JoinRequestStatus.PENDING).values_list(
            "org_id", flat=True
        )
    )
    candidates = (
        open_organizations()
        .exclude(visibility=Visibility.PRIVATE)
        .exclude(pk__in=excluded)
        .filter(query)
        .order_by("path")
    )
    from xiaoyou.organizations.forms_membership import has_required_fields

    result = []
    for org in candidates:
        if org.kind == OrganizationKind.COLLEGE:
            reason = _("Your department")
        elif org.kind == OrganizationKind.REGIONAL:
            reason = _("Your city")
        else:
            reason = _("Your industry")
        result.append(
            Recommendation(org=org, reason=reason, needs_form=has_required_fields(org.join_form))
        )
    return result
