"""API endpoints of the organization tree, scoped by the policy engine."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import policy
from xiaoyou.organizations.models import Organization

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    depth: int
    city: str

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())


class OrganizationDetailOut(OrganizationOut):
    school_name: str
    introduction: str
    logo_url: str
    cover_url: str

    @staticmethod
    def resolve_logo_url(obj: Organization) -> str:
        return obj.logo.url if obj.logo else ""

    @staticmethod
    def resolve_cover_url(obj: Organization) -> str:
        return obj.cover.url if obj.cover else ""


def _visible(user: Any) -> QuerySet[Organization]:
    # The policy's "view" scope: the subtrees where the user holds any role.
    return policy.scoped(Organization.objects.filter(is_active=True), user, "view").order_by("path")


@router.get(
    "/organizations",
    response=list[OrganizationOut],
    summary="The organizations visible to the user, in tree order",
    description=(
        "Depth-first order (by tree path). An organization whose parent_id is not in the list "
        "is the top of a visible subtree."
    ),
)
@paginate(PageNumber)
def organization_list(request: HttpRequest) -> Any:
    return _visible(request.auth)  # type: ignore[attr-defined]


@router.get(
    "/organizations/{organization_id}",
    response=OrganizationDetailOut,
    summary="One organization; 404 when it is not visible to the user",
)
def organization_detail(request: HttpRequest, organization_id: int) -> Any:
    return get_object_or_404(_visible(request.auth), pk=organization_id)  # type: ignore[attr-defined]


def _mount_subrouters() -> None:
    from xiaoyou.organizations import api_invitations, api_membership

    router.add_router("", api_membership.router)
    router.add_router("", api_invitations.router)


_mount_subrouters()
