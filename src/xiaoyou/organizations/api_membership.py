"""API endpoints: membership (mounted into the organizations router).

A person's own side lives under /me/: join (JSON answers, or multipart with files), my
memberships and applications, leave, re-edit my information, recommendations. Admins' side is
scoped by the policy: members of an organization they administer, removal and bans, groups.
Another branch's organization or member is a 404.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import policy
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.organizations import selectors_membership as selectors
from xiaoyou.organizations import services
from xiaoyou.organizations.models import (
    JoinRequest,
    JoinRequestStatus,
    MemberGroup,
    Membership,
    MembershipStatus,
    Organization,
)
from xiaoyou.organizations.selectors import administered_organizations
from xiaoyou.organizations.services import groups as group_services

router = Router(tags=["membership"])

ANSWERS_DESCRIPTION = (
    "Either JSON {organization_id, answers: {field key: value}, message}, or multipart/form-data "
    "with the fields organization_id, answers (that JSON object as text), message, and one file "
    "part per file field, named by the field's key. Values: text, a number, a date as "
    "YYYY-MM-DD, a choice's value, a list of values for multiple choice."
)


# --- Schemas -----------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    organization_id: int = Field(alias="org_id")
    organization_name: str
    organization_kind: str
    status: str
    source: str
    joined_at: datetime
    answers: dict[str, Any]

    @staticmethod
    def resolve_organization_name(obj: Membership) -> str:
        return obj.org.name

    @staticmethod
    def resolve_organization_kind(obj: Membership) -> str:
        return obj.org.kind


class JoinRequestOut(Schema):
    id: int
    organization_id: int = Field(alias="org_id")
    organization_name: str
    status: str
    is_update: bool
    message: str
    answers: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str

    @staticmethod
    def resolve_organization_name(obj: JoinRequest) -> str:
        return obj.org.name


class JoinResultOut(Schema):
    join_request: JoinRequestOut
    is_member: bool = Field(description="True when the person is a member now (no review).")


class LeaveOut(Schema):
    left_organization_ids: list[int]


class RecommendationOut(Schema):
    organization_id: int
    name: str
    kind: str
    reason: str
    needs_form: bool = Field(
        description="True when the join form has required fields (open the form); otherwise "
        "POST /me/memberships with empty answers joins in one tap."
    )


class MemberOut(Schema):
    id: int
    organization_id: int = Field(alias="org_id")
    name: str
    phone: str = Field(description="Masked: the middle digits are hidden.")
    user_id: int | None
    status: str
    source: str
    joined_at: datetime
    groups: list[str]

    @staticmethod
    def resolve_phone(obj: Membership) -> str:
        return masked(obj.phone, "phone") if obj.phone else ""

    @staticmethod
    def resolve_groups(obj: Membership) -> list[str]:
        return [group.name for group in obj.groups.all()]


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class GroupOut(Schema):
    id: int
    organization_id: int = Field(alias="org_id")
    name: str
    description: str
    member_count: int

    @staticmethod
    def resolve_member_count(obj: MemberGroup) -> int:
        return int(getattr(obj, "member_total", 0) or 0)


class GroupIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    description: str = Field("", max_length=200)


class GroupMembersIn(Schema):
    member_ids: list[int] = Field(max_length=500)
    remove: bool = Field(False, description="Take them out of the group instead.")


class CountOut(Schema):
    count: int


# --- Helpers -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _body(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(fields, answers, files) of a JSON or multipart request; answers must be an object."""
    from ninja.errors import ValidationError

    raw: Any
    files: Any
    if request.content_type == "multipart/form-data":
        fields: dict[str, Any] = {key: request.POST.get(key) for key in request.POST}
        raw = request.POST.get("answers") or "{}"
        files = request.FILES
    else:
        try:
            fields = json.loads(request.body or b"{}")
        except ValueError:
            raise ValidationError(
                [{"loc": ["body"], "msg": "Invalid JSON", "type": "json"}]
            ) from None
        raw = fields.get("answers", {}) if isinstance(fields, dict) else None
        if raw is None:
            raw = {}
        files = {}
    if not isinstance(fields, dict):
        raise ValidationError([{"loc": ["body"], "msg": "Expected an object", "type": "type"}])
    try:
        answers = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        raise ValidationError(
            [{"loc": ["body", "answers"], "msg": "Expected an object", "type": "type"}]
        )
    return fields, answers, files


def _error(status: int, code: str, message: str = "", details: Any = None) -> JsonResponse:
    # The API's one error shape (api/main.py), with the field messages in `details`.
    from xiaoyou.core.errors import MESSAGES

    text = message or str(MESSAGES.get(code, code))
    return JsonResponse(
        {"error": {"code": code, "message": text, "details": details}}, status=status
    )


def _form_error(error: services.JoinFormInvalid) -> JsonResponse:
    return _error(error.status, error.code, error.text(), details=error.field_errors)


def _administered(request: HttpRequest, organization_id: int) -> Organization:
    return get_object_or_404(administered_organizations(_user(request)), pk=organization_id)


BODY_SCHEMA = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "organization_id": {"type": "integer"},
                        "answers": {"type": "object"},
                        "message": {"type": "string"},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "organization_id": {"type": "integer"},
                        "answers": {"type": "string", "description": "JSON object"},
                        "message": {"type": "string"},
                    },
                    "additionalProperties": {"type": "string", "format": "binary"},
                }
            },
        }
    }
}


# --- My side -----------------------------------------------------------------------------------


@router.post(
    "/me/memberships",
    response={201: JoinResultOut},
    summary="Join an organization (its approval mode decides: member now, or pending review)",
    description=ANSWERS_DESCRIPTION,
    openapi_extra=BODY_SCHEMA,
)
def membership_join(request: HttpRequest) -> Any:
    from ninja.errors import ValidationError

    fields, answers, files = _body(request)
    organization_id = str(fields.get("organization_id") or "")
    if not organization_id.isdigit():
        raise ValidationError(
            [{"loc": ["body", "organization_id"], "msg": "Field required", "type": "missing"}]
        )
    user = _user(request)
    org = selectors.hall_organization(user, int(organization_id))
    if org is None:
        return _error(404, "not_found")
    try:
        join_request = services.join_request_submit(
            actor=user,
            org=org,
            answers=answers,
            files=files,
            message=str(fields.get("message") or ""),
        )
    except services.JoinFormInvalid as error:
        return _form_error(error)
    return Status(
        201,
        {
            "join_request": join_request,
            "is_member": join_request.status == JoinRequestStatus.APPROVED,
        },
    )


@router.get(
    "/me/memberships",
    response=list[MembershipOut],
    summary="My active memberships, in tree order",
)
def my_memberships(request: HttpRequest) -> Any:
    return list(selectors.my_memberships(_user(request)))


@router.get(
    "/me/join-requests",
    response=list[JoinRequestOut],
    summary="My requests to join and to change my information, newest first",
)
@paginate(PageNumber)
def my_join_requests(request: HttpRequest, status: str = "") -> Any:
    queryset = selectors.my_join_requests(_user(request))
    if status in JoinRequestStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def _my_membership(request: HttpRequest, membership_id: int) -> Membership:
    # Only one's own membership is found: another person's is "not found".
    return get_object_or_404(
        Membership.objects.select_related("org"),
        pk=membership_id,
        user=_user(request),
        status=MembershipStatus.ACTIVE,
    )


@router.post(
    "/me/memberships/{membership_id}/leave",
    response=LeaveOut,
    summary="Leave an organization (and its sub-organizations)",
)
def membership_leave(request: HttpRequest, membership_id: int) -> Any:
    membership = _my_membership(request, membership_id)
    ended = services.membership_leave(actor=_user(request), org=membership.org)
    return {"left_organization_ids": [item.org_id for item in ended]}


@router.post(
    "/me/memberships/{membership_id}/info",
    response={200: JoinRequestOut},
    summary="Change my join information (reviewed again when the organization reviews joins)",
    description="The status of the returned request says whether it applied (approved) or "
    "waits for review (pending). " + ANSWERS_DESCRIPTION.replace("organization_id, ", ""),
    openapi_extra=BODY_SCHEMA,
)
def membership_info_update(request: HttpRequest, membership_id: int) -> Any:
    membership = _my_membership(request, membership_id)
    fields, answers, files = _body(request)
    try:
        join_request = services.member_info_update(
            actor=_user(request),
            org=membership.org,
            answers=answers,
            files=files,
            message=str(fields.get("message") or ""),
        )
    except services.JoinFormInvalid as error:
        return _form_error(error)
    return join_request


@router.get(
    "/me/recommendations",
    response=list[RecommendationOut],
    summary="Organizations recommended to me (department, city, industry)",
)
def my_recommendations(request: HttpRequest) -> Any:
    return [
        {
            "organization_id": item.org.pk,
            "name": item.org.name,
            "kind": item.org.kind,
            "reason": str(item.reason),
            "needs_form": item.needs_form,
        }
        for item in selectors.recommendations_for(_user(request))
    ]


# --- Admins ------------------------------------------------------------------------------------


@router.get(
    "/organizations/{organization_id}/members",
    response=list[MemberOut],
    summary="Members of an organization I administer (registered and imported)",
)
@paginate(PageNumber)
def member_list(
    request: HttpRequest,
    organization_id: int,
    status: str = "",
    q: str = "",
    include_suborganizations: bool = False,
) -> Any:
    org = _administered(request, organization_id)
    queryset = selectors.members_of(_user(request), org, subtree=include_suborganizations)
    if status in MembershipStatus.values:
        queryset = queryset.filter(status=status)
    if q.strip():
        text = q.strip()[:100]
        queryset = queryset.filter(Q(name__icontains=text) | Q(phone__icontains=text))
    return queryset.order_by("-joined_at", "-pk")


def _member(request: HttpRequest, membership_id: int) -> Membership:
    return get_object_or_404(selectors.members_visible_to(_user(request)), pk=membership_id)


@router.post(
    "/members/{membership_id}/remove",
    response=MemberOut,
    summary="Remove a member, with a reason (they may apply again)",
)
def member_remove(request: HttpRequest, membership_id: int, payload: ReasonIn) -> Any:
    membership = services.member_remove(
        actor=_user(request), membership=_member(request, membership_id), reason=payload.reason
    )
    return _member(request, membership.pk)


@router.post(
    "/members/{membership_id}/ban",
    response=MemberOut,
    summary="Ban a member, with a reason (they can never apply again)",
)
def member_ban(request: HttpRequest, membership_id: int, payload: ReasonIn) -> Any:
    membership = services.member_ban(
        actor=_user(request), membership=_member(request, membership_id), reason=payload.reason
    )
    return _member(request, membership.pk)


@router.get(
    "/organizations/{organization_id}/groups",
    response=list[GroupOut],
    summary="Member groups of an organization I administer",
)
def group_list(request: HttpRequest, organization_id: int) -> Any:
    org = _administered(request, organization_id)
    policy.require(_user(request), "view", MemberGroup, org=org)
    return list(selectors.groups_of(org).order_by("name"))


@router.post(
    "/organizations/{organization_id}/groups",
    response={201: GroupOut},
    summary="Create a member group",
)
def group_create(request: HttpRequest, organization_id: int, payload: GroupIn) -> Any:
    org = _administered(request, organization_id)
    group = group_services.member_group_create(
        actor=_user(request), org=org, name=payload.name, description=payload.description
    )
    return Status(201, selectors.groups_of(org).get(pk=group.pk))


@router.post(
    "/groups/{group_id}/members",
    response=CountOut,
    summary="Put members in a group (or take them out), in bulk",
    description="Only members of the group's own organization are taken; `count` is how many "
    "changed.",
)
def group_members(request: HttpRequest, group_id: int, payload: GroupMembersIn) -> Any:
    user = _user(request)
    group = get_object_or_404(
        policy.scoped(MemberGroup.objects.select_related("org"), user, "manage"), pk=group_id
    )
    memberships = list(selectors.members_visible_to(user).filter(pk__in=payload.member_ids))
    if payload.remove:
        count = group_services.members_unassign_group(
            actor=user, group=group, memberships=memberships
        )
    else:
        count = group_services.members_assign_group(
            actor=user, group=group, memberships=memberships
        )
    return {"count": count}
