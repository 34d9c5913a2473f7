"""API of information campaigns (信息采集): list, create, detail with progress, responses,
close/reopen. The same services and scope as the console: another organization's campaign is
a 404, a write the caller may not do a 403."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from xiaoyou.alumni.models import CollectionCampaign, ResponseStatus
from xiaoyou.alumni.selectors_campaigns import campaign_progress, campaigns_visible_to, responses_of
from xiaoyou.alumni.services import campaigns as services
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization

router = Router(tags=["alumni campaigns"])
PAGE_LIMIT = 200


class AudienceIn(Schema):
    graduation_year: int | None = Field(None, ge=1900, le=2100)
    department: int | None = Field(None, description="Department id")
    class_name: str = Field("", max_length=50)


class CampaignIn(Schema):
    org_id: int = Field(..., description="The organization running the campaign")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = ""
    audience: AudienceIn
    fields: list[str] = Field(
        ..., description=f"Record fields ({', '.join(services.ASKABLE_FIELDS)}) or custom:<key>"
    )
    closes_at: datetime.datetime | None = None
    liaison_ids: list[int] = Field(default_factory=list, description="User ids of liaisons")


class ClassOut(Schema):
    class_name: str
    total: int
    answered: int


class ProgressOut(Schema):
    audience: int = Field(..., description="Records of the audience in the archive")
    answered: int = Field(..., description="Audience records with a response")
    responses: int
    by_status: dict[str, int]
    classes: list[ClassOut]


class CampaignOut(Schema):
    id: int
    org_id: int
    title: str
    description: str
    code: str
    url: str
    audience: dict[str, Any]
    fields: list[str]
    closes_at: datetime.datetime | None
    is_open: bool
    liaison_ids: list[int]
    created_at: datetime.datetime


class CampaignDetailOut(CampaignOut):
    progress: ProgressOut


class ResponseOut(Schema):
    id: int
    status: str = Field(..., description=f"One of {', '.join(ResponseStatus.values)}")
    record_id: int | None
    confidence: int
    answers: dict[str, Any]
    conflicts: dict[str, Any]
    updated_at: datetime.datetime


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _campaign(request: HttpRequest, campaign_id: int) -> CollectionCampaign:
    campaign = campaigns_visible_to(_user(request)).filter(pk=campaign_id).first()
    if campaign is None:
        raise ApplicationError("not_found", status=404)
    return campaign


def _out(request: HttpRequest, campaign: CollectionCampaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "org_id": campaign.org_id,
        "title": campaign.title,
        "description": campaign.description,
        "code": campaign.code,
        "url": request.build_absolute_uri(f"/c/{campaign.code}/"),
        "audience": campaign.audience,
        "fields": campaign.fields,
        "closes_at": campaign.closes_at,
        "is_open": services.is_open(campaign),
        "liaison_ids": [user.pk for user in campaign.liaisons.all()],
        "created_at": campaign.created_at,
    }


def _detail(request: HttpRequest, campaign: CollectionCampaign) -> dict[str, Any]:
    progress = campaign_progress(campaign)
    return {
        **_out(request, campaign),
        "progress": {
            "audience": progress.audience,
            "answered": progress.answered,
            "responses": progress.responses,
            "by_status": progress.by_status,
            "classes": [vars(row) for row in progress.classes],
        },
    }


@router.get("/alumni/campaigns", response=list[CampaignOut], summary="Information campaigns")
def campaign_list(request: HttpRequest) -> Any:
    campaigns = campaigns_visible_to(_user(request)).prefetch_related("liaisons")[:PAGE_LIMIT]
    return [_out(request, campaign) for campaign in campaigns]


@router.post(
    "/alumni/campaigns", response={201: CampaignDetailOut}, summary="Create a campaign (staff)"
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Any:
    org = Organization.objects.filter(pk=payload.org_id).first()
    if org is None:
        raise ValidationError(
            [{"loc": ["body", "org_id"], "msg": "no such organization", "type": "value_error"}]
        )
    liaisons = list(get_user_model().objects.filter(pk__in=payload.liaison_ids, is_active=True))
    campaign = services.campaign_create(
        actor=_user(request),
        org=org,
        title=payload.title,
        description=payload.description,
        audience=payload.audience.dict(),
        fields=payload.fields,
        closes_at=payload.closes_at,
        liaisons=liaisons,
    )
    return Status(201, _detail(request, campaign))


@router.get(
    "/alumni/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    summary="One campaign with its progress",
)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Any:
    return _detail(request, _campaign(request, campaign_id))


@router.get(
    "/alumni/campaigns/{campaign_id}/responses",
    response=list[ResponseOut],
    summary="Responses of a campaign, newest first (status filter optional)",
)
def campaign_responses(
    request: HttpRequest, campaign_id: int, status: str = "", offset: int = 0, limit: int = 50
) -> Any:
    responses = responses_of(_campaign(request, campaign_id))
    if status:
        responses = responses.filter(status=status)
    limit = max(1, min(limit, PAGE_LIMIT))
    return [
        {
            "id": response.pk,
            "status": response.status,
            "record_id": response.record_id,
            "confidence": response.confidence,
            "answers": response.answers,
            "conflicts": response.conflicts,
            "updated_at": response.updated_at,
        }
        for response in responses[max(0, offset) : max(0, offset) + limit]
    ]


class OpenIn(Schema):
    is_open: bool = Field(False, description="false closes the form, true reopens it")


@router.post(
    "/alumni/campaigns/{campaign_id}/close",
    response=CampaignOut,
    summary="Close (or, with is_open=true, reopen) a campaign's form",
)
def campaign_close(request: HttpRequest, campaign_id: int, payload: OpenIn | None = None) -> Any:
    campaign = services.campaign_set_open(
        actor=_user(request),
        campaign=_campaign(request, campaign_id),
        is_active=bool(payload and payload.is_open),
    )
    return _out(request, campaign)
