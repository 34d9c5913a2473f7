"""Reads of organization management (组织管理): the scoped list with its counts, the tree, the
detail page's leaders, links and figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from xiaoyou.core import policy
from xiaoyou.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organization,
    OrganizationLink,
    OrgRole,
    Role,
)


def managed_organizations(user: Any) -> QuerySet[Organization]:
    """Organizations `user` administers (their subtrees), archived ones included; everything
    for platform admins."""
    return policy.scoped(Organization.objects.all(), user, "change")


def visible_organizations(user: Any) -> QuerySet[Organization]:
    """What `user` may look at: active organizations of the subtrees where they hold any role,
    plus every organization they administer (archived too, so that they can restore it)."""
    viewed = policy.scoped(Organization.objects.filter(is_active=True), user, "view")
    managed = managed_organizations(user)
    return Organization.objects.filter(
        Q(pk__in=viewed.values("pk")) | Q(pk__in=managed.values("pk"))
    )


def _count_of(queryset: QuerySet[Any], field_name: str = "org") -> Coalesce:
    counted = (
        queryset.filter(**{field_name: OuterRef("pk")})
        .order_by()
        .values(field_name)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """Adds `members_count` (active members of the organization itself) and
    `pending_requests_count` as subqueries: one query whatever the number of rows."""
    return queryset.select_related("parent").annotate(
        members_count=_count_of(Membership.objects.filter(status=MembershipStatus.ACTIVE)),
        pending_requests_count=_count_of(
            JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
        ),
    )


@dataclass
class TreeNode:
    org: Organization
    children: list[TreeNode] = field(default_factory=list)

    @property
    def descendant_count(self) -> int:
        return sum(1 + child.descendant_count for child in self.children)


def build_tree(orgs: Iterable[Organization]) -> list[TreeNode]:
    """Nests organizations given in path order; one whose parent is not among them is a top."""
    nodes: dict[int, TreeNode] = {}
    tops: list[TreeNode] = []
    for org in sorted(orgs, key=lambda item: item.path):
        node = TreeNode(org)
        nodes[org.pk] = node
        parent = nodes.get(org.parent_id) if org.parent_id else None
        if parent is None:
            tops.append(node)
        else:
            parent.children.append(node)
    return tops


def leaders(org: Organization) -> list[OrgRole]:
    """Presidents, then admins, of the organization itself (not those inherited from above)."""
    roles = OrgRole.objects.filter(org=org, role__in=[Role.PRESIDENT, Role.ADMIN]).select_related(
        "user"
    )
    rank = {Role.PRESIDENT: 0, Role.ADMIN: 1}
    return sorted(roles, key=lambda role: (rank[Role(role.role)], role.created_at, role.pk))


@dataclass(frozen=True)
class LinkView:
    """A cross link seen from one organization: the other side, and who made it."""

    link: OrganizationLink
    other: Organization
    is_outgoing: bool


def links_of(org: Organization) -> list[LinkView]:
    links = (
        OrganizationLink.objects.filter(Q(from_org=org) | Q(to_org=org))
        .select_related("from_org", "to_org")
        .order_by("created_at", "pk")
    )
    return [
        LinkView(
            link=link,
            other=link.to_org if link.from_org_id == org.pk else link.from_org,
            is_outgoing=link.from_org_id == org.pk,
        )
        for link in links
    ]


def link_candidates(org: Organization) -> QuerySet[Organization]:
    """Active organizations `org` may be linked to: not itself, not already linked."""
    linked = OrganizationLink.objects.filter(Q(from_org=org) | Q(to_org=org)).values_list(
        "from_org_id", "to_org_id"
    )
    excluded = {org.pk} | {pk for pair in linked for pk in pair}
    return Organization.objects.filter(is_active=True).exclude(pk__in=excluded).order_by("path")


@dataclass(frozen=True)
class OrgFigures:
    members: int
    pending_requests: int
    children: int
    subtree_organizations: int


def organization_figures(org: Organization) -> OrgFigures:
    """The detail page's counts, in one query per table."""
    members = Membership.objects.filter(org=org, status=MembershipStatus.ACTIVE).count()
    pending = JoinRequest.objects.filter(org=org, status=JoinRequestStatus.PENDING).count()
    subtree = Organization.objects.filter(path__startswith=org.path, is_active=True).exclude(
        pk=org.pk
    )
    counts = subtree.aggregate(children=Count("pk", filter=Q(parent=org)), everything=Count("pk"))
    return OrgFigures(
        members=members,
        pending_requests=pending,
        children=counts["children"],
        subtree_organizations=counts["everything"],
    )


def registered_counts(org_ids: Sequence[int]) -> dict[str, dict[int, int]]:
    """The counts of every registered org counter (events...) for these organizations."""
    from xiaoyou.core.registry import org_counters

    ids = list(org_ids)
    if not ids:
        return {counter.key: {} for counter in org_counters.all()}
    return {counter.key: dict(counter.value(ids)) for counter in org_counters.all()}
