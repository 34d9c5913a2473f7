"""API endpoints of the organization tree (组织管理), scoped by the policy engine.

Reading: anyone with a role in a subtree sees its active organizations; admins also see the
archived ones of their branch. Writing goes through the same services as the console: an
organization outside the caller's view is a 404, one they see but may not change a 403.
Logos and covers are uploaded in the console.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, get_type_hints

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import selectors_orgs, selectors_stats
from xiaoyou.organizations.models import (
    ApprovalMode,
    ContentReviewMode,
    JoinFieldType,
    LinkKind,
    Organization,
    OrganizationKind,
    OrganizationLink,
    Visibility,
)
from xiaoyou.organizations.services import (
    organization_archive,
    organization_create,
    organization_link_create,
    organization_link_delete,
    organization_restore,
    organization_update,
)

router = Router(tags=["organizations"])


# --- Schemas ------------------------------------------------------------------------------------


class JoinField(Schema):
    key: str = Field("", max_length=40, description="Lowercase slug; made when empty.")
    label: str = Field(..., max_length=60)
    type: JoinFieldType
    required: bool = False
    choices: list[str] = Field(default_factory=list, description="For the choice types.")
    help: str = Field("", max_length=200)


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    city: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())


class OrganizationDetailOut(OrganizationOut):
    school_name: str
    introduction: str = Field(..., description="Sanitized HTML.")
    logo_url: str
    cover_url: str
    province: str
    address: str
    phone: str
    industry: str
    department_id: int | None
    joining_requirements: str
    join_form: list[dict[str, Any]]
    approval_mode: str
    content_review_mode: str
    visibility: str
    archived_at: datetime | None
    archive_reason: str
    sms_remaining: int | None = Field(
        None,
        description=(
            "SMS segments left of the organization's allocation of this year's school quota "
            "(0 without an allocation). Only for the organization's admins."
        ),
    )

    @staticmethod
    def resolve_logo_url(obj: Organization) -> str:
        return obj.logo.url if obj.logo else ""

    @staticmethod
    def resolve_cover_url(obj: Organization) -> str:
        return obj.cover.url if obj.cover else ""

    @staticmethod
    def resolve_sms_remaining(obj: Organization, context: Any) -> int | None:
        from xiaoyou.messaging.services.quota import allocation_for

        request = context["request"]
        if not policy.can(request.auth, "change", obj):
            return None
        allocation = allocation_for(org=obj)
        return allocation.remaining if allocation is not None else 0


class OrganizationProfileIn(Schema):
    """Every profile field; all optional in an update (only the fields sent change)."""

    name: str | None = Field(None, min_length=1, max_length=100)
    short_name: str | None = Field(None, max_length=40)
    kind: OrganizationKind | None = None
    introduction: str | None = Field(None, max_length=20_000, description="HTML; sanitized.")
    joining_requirements: str | None = Field(None, max_length=5_000)
    join_form: list[JoinField] | None = Field(None, max_length=30)
    approval_mode: ApprovalMode | None = None
    content_review_mode: ContentReviewMode | None = None
    visibility: Visibility | None = None
    phone: str | None = Field(None, max_length=40)
    province: str | None = Field(None, max_length=60)
    city: str | None = Field(None, max_length=60)
    address: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=60)
    department_id: int | None = None


class OrganizationCreateIn(OrganizationProfileIn):
    name: str = Field(..., min_length=1, max_length=100)  # type: ignore[assignment]
    kind: OrganizationKind  # type: ignore[assignment]
    parent_id: int


class ArchiveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class LinkIn(Schema):
    to_organization_id: int
    kind: LinkKind = LinkKind.RELATED
    note: str = Field("", max_length=200)


class LinkedOrganization(Schema):
    id: int
    name: str
    kind: str


class LinkOut(Schema):
    id: int
    kind: str
    kind_label: str
    note: str
    direction: Literal["out", "in"]
    organization: LinkedOrganization


class BucketOut(Schema):
    label: str = Field(..., description="Empty when the alumni records do not say.")
    count: int


class MonthOut(Schema):
    month: str = Field(..., description="YYYY-MM, China Standard Time.")
    joined: int
    total: int


class StatisticsOut(Schema):
    organization_id: int
    includes_subtree: bool
    total: int
    months: list[MonthOut]
    departments: list[BucketOut]
    graduation_years: list[BucketOut]
    cities: list[BucketOut]
    industries: list[BucketOut]


# --- Helpers ------------------------------------------------------------------------------------


def _resolved_annotations(view: Callable[..., Any]) -> Callable[..., Any]:
    # ninja reads the parameters of a paginated view through the paginator's wrapper, whose
    # module cannot resolve this module's string annotations: hand it the real types.
    view.__annotations__ = get_type_hints(view)
    return view


def _visible(user: Any) -> QuerySet[Organization]:
    # The policy's "view" scope: the subtrees where the user holds any role.
    return policy.scoped(Organization.objects.filter(is_active=True), user, "view").order_by("path")


def _reachable(user: Any) -> QuerySet[Organization]:
    """What an id may name: visible ones and, for admins, the archived ones of their branch."""
    return selectors_orgs.visible_organizations(user).select_related("parent")


def _organization(request: HttpRequest, organization_id: int) -> Organization:
    return get_object_or_404(_reachable(request.auth), pk=organization_id)  # type: ignore[attr-defined]


def _profile_changes(payload: OrganizationProfileIn) -> dict[str, Any]:
    from xiaoyou.alumni.models import Department

    changes = payload.model_dump(exclude_unset=True)
    changes.pop("parent_id", None)
    # Only the department may be cleared with null; a field left out stays as it is.
    nulls = sorted(
        name for name, value in changes.items() if value is None and name != "department_id"
    )
    if nulls:
        raise ApplicationError("invalid_input", f"{', '.join(nulls)}: may not be null", status=422)
    for name in ("kind", "approval_mode", "content_review_mode", "visibility"):
        if name in changes:
            changes[name] = str(changes[name])
    if "join_form" in changes:
        changes["join_form"] = [
            {**field, "type": str(field["type"])} for field in changes["join_form"]
        ]
    if "department_id" in changes:
        department_id = changes.pop("department_id")
        department = None
        if department_id is not None:
            department = Department.objects.filter(pk=department_id).first()
            if department is None:
                raise ApplicationError("invalid_input", "department_id: no such department")
        changes["department"] = department
    return changes


def _link_out(link: OrganizationLink, org: Organization) -> dict[str, Any]:
    outgoing = link.from_org_id == org.pk
    other = link.to_org if outgoing else link.from_org
    return {
        "id": link.pk,
        "kind": link.kind,
        "kind_label": str(link.get_kind_display()),
        "note": link.note,
        "direction": "out" if outgoing else "in",
        "organization": {"id": other.pk, "name": other.name, "kind": other.kind},
    }


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    summary="The organizations visible to the user, in tree order",
    description=(
        "Depth-first order (by tree path). An organization whose parent_id is not in the list "
        "is the top of a visible subtree. Filter by type, name and status."
    ),
)
@paginate(PageNumber)
@_resolved_annotations
def organization_list(
    request: HttpRequest,
    kind: OrganizationKind | None = None,
    q: str | None = Query(None, max_length=100, description="Part of the name or short name."),
    status: Literal["active", "archived"] = Query(
        "active", description="Archived organizations are listed to their admins only."
    ),
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if status == "archived":
        organizations = selectors_orgs.managed_organizations(user).filter(is_active=False)
    else:
        organizations = _visible(user)
    if kind:
        organizations = organizations.filter(kind=str(kind))
    if q and q.strip():
        text = q.strip()
        organizations = organizations.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text)
        )
    return organizations.order_by("path")


@router.post(
    "/organizations",
    response={201: OrganizationDetailOut},
    summary="Create an organization under a parent the user administers",
)
def organization_create_endpoint(request: HttpRequest, payload: OrganizationCreateIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    parent = get_object_or_404(_reachable(user), pk=payload.parent_id)
    changes = _profile_changes(payload)
    name = changes.pop("name")
    kind = changes.pop("kind")
    org = organization_create(actor=user, name=name, kind=kind, parent=parent, **changes)
    return Status(201, org)


@router.get(
    "/organizations/{organization_id}",
    response=OrganizationDetailOut,
    summary="One organization; 404 when it is not visible to the user",
)
def organization_detail(request: HttpRequest, organization_id: int) -> Any:
    return _organization(request, organization_id)


@router.patch(
    "/organizations/{organization_id}",
    response=OrganizationDetailOut,
    summary="Change the profile, joining rules or join form (only the fields sent)",
)
def organization_update_endpoint(
    request: HttpRequest, organization_id: int, payload: OrganizationProfileIn
) -> Any:
    org = _organization(request, organization_id)
    return organization_update(
        actor=request.auth,  # type: ignore[attr-defined]
        org=org,
        changes=_profile_changes(payload),
    )


@router.post(
    "/organizations/{organization_id}/archive",
    response=OrganizationDetailOut,
    summary="Archive (disband) an organization, keeping its history; by the admins above it",
)
def organization_archive_endpoint(
    request: HttpRequest, organization_id: int, payload: ArchiveIn
) -> Any:
    org = _organization(request, organization_id)
    return organization_archive(actor=request.auth, org=org, reason=payload.reason)  # type: ignore[attr-defined]


@router.post(
    "/organizations/{organization_id}/restore",
    response=OrganizationDetailOut,
    summary="Restore an archived organization",
)
def organization_restore_endpoint(request: HttpRequest, organization_id: int) -> Any:
    org = _organization(request, organization_id)
    return organization_restore(actor=request.auth, org=org)  # type: ignore[attr-defined]


@router.get(
    "/organizations/{organization_id}/links",
    response=list[LinkOut],
    summary="Cross links of an organization (both directions)",
)
def organization_links(request: HttpRequest, organization_id: int) -> Any:
    org = _organization(request, organization_id)
    return [_link_out(item.link, org) for item in selectors_orgs.links_of(org)]


@router.post(
    "/organizations/{organization_id}/links",
    response={201: LinkOut},
    summary="Link the organization to another active one",
)
def organization_link_add(request: HttpRequest, organization_id: int, payload: LinkIn) -> Any:
    org = _organization(request, organization_id)
    other = get_object_or_404(
        Organization.objects.filter(is_active=True), pk=payload.to_organization_id
    )
    link = organization_link_create(
        actor=request.auth,  # type: ignore[attr-defined]
        from_org=org,
        to_org=other,
        kind=str(payload.kind),
        note=payload.note,
    )
    return Status(201, _link_out(link, org))


@router.delete(
    "/organizations/{organization_id}/links/{link_id}",
    response={204: None},
    summary="Remove a cross link (admins of either side)",
)
def organization_link_remove(request: HttpRequest, organization_id: int, link_id: int) -> Any:
    org = _organization(request, organization_id)
    link = get_object_or_404(
        OrganizationLink.objects.select_related("from_org", "to_org").filter(
            Q(from_org=org) | Q(to_org=org)
        ),
        pk=link_id,
    )
    organization_link_delete(actor=request.auth, link=link)  # type: ignore[attr-defined]
    return Status(204, None)


@router.get(
    "/organizations/{organization_id}/stats",
    response=StatisticsOut,
    summary="Member statistics: joined per month, by department, year, city and industry",
    description=(
        "Active members; for the main association, the members of its whole tree, each person "
        "once. For the organization's admins."
    ),
)
def organization_stats(request: HttpRequest, organization_id: int) -> Any:
    org = _organization(request, organization_id)
    policy.require(request.auth, "view_stats", org)  # type: ignore[attr-defined]
    stats = selectors_stats.organization_statistics(org)
    return {
        "organization_id": org.pk,
        "includes_subtree": stats.includes_subtree,
        "total": stats.total,
        "months": stats.months,
        "departments": stats.departments,
        "graduation_years": stats.graduation_years,
        "cities": stats.cities,
        "industries": stats.industries,
    }


def _mount_subrouters() -> None:
    from xiaoyou.organizations import api_invitations, api_membership

    router.add_router("", api_membership.router)
    router.add_router("", api_invitations.router)


_mount_subrouters()
