"""API endpoints: invitations (mounted into the organizations router).

Admins list, create and withdraw the invitations of the organizations they administer (the
policy scope: another organization's invitation is a 404, another organization's list a 403).
Anyone signed in may look an invitation up by its code and accept it: the code is the secret,
so it travels in the query string or the body, never as a path id.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import policy
from xiaoyou.organizations import selectors_invitations as selectors
from xiaoyou.organizations.models import (
    Invitation,
    InvitationChannel,
    InvitationKind,
    JoinRequest,
    Organization,
    OrgRole,
    Role,
)
from xiaoyou.organizations.services import invitations as services

router = Router(tags=["invitations"])


class InvitationOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    role: str
    channel: str
    name: str
    phone: str = Field(description="Masked: the middle digits are hidden.")
    status: str = Field(description="active, used, expired or revoked")
    use_count: int
    max_uses: int
    expires_at: datetime
    created_at: datetime
    url: str = Field(description="The link to share (its QR code encodes the same).")
    code: str

    @staticmethod
    def resolve_org_name(obj: Invitation) -> str:
        return obj.org.name

    @staticmethod
    def resolve_phone(obj: Invitation) -> str:
        from xiaoyou.core.templatetags.xiaoyou import masked

        return masked(obj.phone) if obj.phone else ""

    @staticmethod
    def resolve_status(obj: Invitation) -> str:
        return getattr(obj, "status_value", None) or services.invitation_status(obj)

    @staticmethod
    def resolve_url(obj: Invitation, context: dict[str, Any]) -> str:
        return services.invitation_url(obj, context["request"])


class InvitationIn(Schema):
    kind: InvitationKind = InvitationKind.JOIN
    role: Role = Field(Role.MEMBER, description="admin or president for role invitations")
    channel: InvitationChannel = InvitationChannel.LINK
    phone: str = Field("", max_length=32)
    name: str = Field("", max_length=100)
    validity_days: int = Field(7, ge=1, le=90)
    max_uses: int | None = Field(None, ge=1, description="Join links only; default very large")


class InvitationPublicOut(Schema):
    """What the holder of a code may see: the organization and the offer, not who else used it."""

    org_id: int
    org_name: str
    org_kind: str
    kind: str
    role: str
    status: str
    expires_at: datetime
    name: str

    @staticmethod
    def resolve_org_name(obj: Invitation) -> str:
        return obj.org.name

    @staticmethod
    def resolve_org_kind(obj: Invitation) -> str:
        return obj.org.kind

    @staticmethod
    def resolve_status(obj: Invitation) -> str:
        return services.invitation_status(obj)


class AcceptIn(Schema):
    code: str = Field(..., max_length=64)
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Join invitations: the answers of the join form"
    )


class AcceptOut(Schema):
    kind: str
    org_id: int
    role: str = ""
    join_request_id: int | None = None
    join_request_status: str = ""


def _org(organization_id: int) -> Organization:
    return get_object_or_404(Organization, pk=organization_id, is_active=True)


@router.get(
    "/organizations/{organization_id}/invitations",
    response=list[InvitationOut],
    summary="Invitations of an organization and its sub-organizations (admins)",
)
@paginate(PageNumber)
def invitation_list(request: HttpRequest, organization_id: int, status: str = "") -> Any:
    org = _org(organization_id)
    policy.require(request.auth, "view", Invitation, org=org)  # type: ignore[attr-defined]
    queryset = selectors.invitations_visible(request.auth).filter(  # type: ignore[attr-defined]
        org__path__startswith=org.path
    )
    return selectors.filter_status(queryset, status).order_by("-created_at", "-pk")


@router.post(
    "/organizations/{organization_id}/invitations",
    response={201: InvitationOut},
    summary="Create an invitation: a role (admin/president) by SMS or link, or a join link",
)
def invitation_create(request: HttpRequest, organization_id: int, payload: InvitationIn) -> Any:
    org = _org(organization_id)
    invitation = services.invitation_create(
        actor=request.auth,  # type: ignore[attr-defined]
        org=org,
        kind=payload.kind,
        role=payload.role if payload.kind == InvitationKind.ROLE else Role.MEMBER,
        channel=payload.channel,
        phone=payload.phone,
        name=payload.name,
        expires_in=timedelta(days=payload.validity_days),
        max_uses=payload.max_uses,
        request=request,
    )
    return Status(201, _visible_or_404(request, invitation.pk))


def _visible_or_404(request: HttpRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(
        selectors.invitations_visible(request.auth),  # type: ignore[attr-defined]
        pk=invitation_id,
    )


@router.get(
    "/invitations/by-code",
    response=InvitationPublicOut,
    summary="Look an invitation up by its code (anyone signed in who has the code)",
)
def invitation_by_code(request: HttpRequest, code: str) -> Any:
    return services.invitation_by_code(code)


@router.post(
    "/invitations/accept",
    response=AcceptOut,
    summary="Accept an invitation: a role is granted at once; a join link submits a join request",
)
def invitation_accept(request: HttpRequest, payload: AcceptIn) -> Any:
    result = services.invitation_accept(
        actor=request.auth,  # type: ignore[attr-defined]
        code=payload.code,
        answers=payload.answers,
    )
    if isinstance(result, JoinRequest):
        return AcceptOut(
            kind=InvitationKind.JOIN,
            org_id=result.org_id,
            join_request_id=result.pk,
            join_request_status=result.status,
        )
    assert isinstance(result, OrgRole)
    return AcceptOut(kind=InvitationKind.ROLE, org_id=result.org_id, role=result.role)


@router.get(
    "/invitations/{invitation_id}",
    response=InvitationOut,
    summary="One invitation; 404 when it is not in an organization the user administers",
)
def invitation_detail(request: HttpRequest, invitation_id: int) -> Any:
    return _visible_or_404(request, invitation_id)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response=InvitationOut,
    summary="Withdraw an invitation: its code stops working at once",
)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> Any:
    invitation = _visible_or_404(request, invitation_id)
    services.invitation_revoke(actor=request.auth, invitation=invitation)  # type: ignore[attr-defined]
    return _visible_or_404(request, invitation_id)
