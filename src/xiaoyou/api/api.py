"""API endpoints of the signed-in person: profile and roles, in-app inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core.notifications import inbox_for, notification_mark_all_read, notification_mark_read
from xiaoyou.organizations.models import OrgRole

router = Router(tags=["me"])


class RoleOut(Schema):
    org_id: int
    org_name: str
    role: str
    role_label: str


class MeOut(Schema):
    id: int
    display_name: str
    email: str
    phone: str | None
    phone_verified: bool
    language: str
    is_staff: bool
    is_superuser: bool
    roles: list[RoleOut]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj: Any) -> bool:
        return obj.read_at is not None


@router.get("/me", response=MeOut, summary="The signed-in user's profile and roles")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.auth  # type: ignore[attr-defined]
    roles = (
        OrgRole.objects.filter(user=user, org__is_active=True)
        .select_related("org")
        .order_by("org__path", "role")
    )
    return {
        "id": user.pk,
        "display_name": str(user),
        "email": user.email,
        "phone": user.phone,
        "phone_verified": user.phone_verified,
        "language": user.language,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "org_id": role.org_id,
                "org_name": role.org.name,
                "role": role.role,
                "role_label": str(role.get_role_display()),
            }
            for role in roles
        ],
    }


@router.get(
    "/notifications",
    response=list[NotificationOut],
    tags=["notifications"],
    summary="The user's in-app inbox, newest first",
)
@paginate(PageNumber)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    inbox = inbox_for(request.auth)  # type: ignore[attr-defined]
    return inbox.filter(read_at__isnull=True) if unread else inbox


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    tags=["notifications"],
    summary="Marks one message of the inbox read",
)
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    notification = get_object_or_404(inbox_for(request.auth), pk=notification_id)  # type: ignore[attr-defined]
    return notification_mark_read(actor=request.auth, notification=notification)  # type: ignore[attr-defined]


class MarkedOut(Schema):
    marked: int


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    tags=["notifications"],
    summary="Marks every unread message of the inbox read",
)
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notification_mark_all_read(actor=request.auth)}  # type: ignore[attr-defined]
