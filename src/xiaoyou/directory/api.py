"""API of the directory (校友录), privacy settings and business cards (交换名片).

Every contact and work field goes through `selectors.visible_fields_bulk`: a field the viewer
may not see is absent from `fields`, never sent masked. The directory is for verified alumni;
an organization's address book for its members and admins.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.directory import selectors_directory as listing
from xiaoyou.directory.models import PRIVATE_FIELDS, CardExchange, PrivacySettings, Visibility
from xiaoyou.directory.selectors import Viewer, school_defaults, viewer_for
from xiaoyou.directory.services import cards as card_services
from xiaoyou.directory.services.privacy import privacy_settings_update
from xiaoyou.directory.vcard import card_vcard
from xiaoyou.organizations.models import Organization

router = Router(tags=["directory"])


class EntryOut(Schema):
    id: int = Field(..., description="The alumni record's id")
    name: str
    department: str
    major: str
    class_name: str
    enrollment_year: int | None
    graduation_year: int | None
    fields: dict[str, str] = Field(
        ..., description="Contact and work fields this viewer may see (absent: hidden)"
    )


class EntryPage(Schema):
    items: list[EntryOut]
    count: int
    page: int
    page_size: int


class FindParams(Schema):
    q: str = Field("", max_length=50, description="Name, pinyin or initials")
    class_name: str = Field("", max_length=50)
    year: int | None = Field(None, ge=1900, le=2100, description="Enrollment or graduation")
    major: str = Field("", max_length=60)
    city: str = Field("", max_length=60)
    employer: str = Field("", max_length=100)
    industry: str = Field("", max_length=60)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=50)


class PrivacyIO(Schema):
    phone: str = ""
    email: str = ""
    wechat: str = ""
    address: str = ""
    employer: str = ""
    position: str = ""
    city: str = ""
    industry: str = ""


class PrivacyOut(Schema):
    chosen: PrivacyIO = Field(..., description='Own choices ("" follows the school default)')
    defaults: PrivacyIO
    levels: list[str] = Field(default_factory=lambda: list(Visibility.values))


class CardIn(Schema):
    message: str = Field("", max_length=200)


class CardOut(Schema):
    id: int
    status: str
    direction: str = Field(..., description='"sent" or "received"')
    other: EntryOut | None
    message: str
    created_at: Any
    decided_at: Any = None


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _verified_viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(_user(request))
    if not viewer.is_verified:
        # The directory is for verified alumni (the hall page says how to claim a record).
        raise PermissionDenied("verified alumni only")
    return viewer


def _entries(request: HttpRequest, viewer: Viewer, records: list[AlumniRecord]) -> list[dict]:
    return [
        {
            "id": entry.record.pk,
            "name": entry.record.name,
            "department": entry.record.department.name if entry.record.department else "",
            "major": entry.record.major.name if entry.record.major else "",
            "class_name": entry.record.class_name,
            "enrollment_year": entry.record.enrollment_year,
            "graduation_year": entry.record.graduation_year,
            "fields": {name: value for name, value in entry.fields.items() if value},
        }
        for entry in listing.entries(_user(request), viewer, records)
    ]


def _page(
    request: HttpRequest, viewer: Viewer, queryset: Any, page: int, page_size: int
) -> dict[str, Any]:
    offset = (page - 1) * page_size
    records = list(queryset[offset : offset + page_size])
    return {
        "items": _entries(request, viewer, records),
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
    }


@router.get("/directory/alumni", response=EntryPage, summary="Find alumni (verified alumni)")
def directory_find(request: HttpRequest, params: Query[FindParams]) -> Any:
    viewer = _verified_viewer(request)
    filters = listing.DirectoryFilters(
        text=params.q,
        class_name=params.class_name,
        year=params.year,
        major=params.major,
        city=params.city,
        employer=params.employer,
        industry=params.industry,
    )
    queryset = listing.find_alumni(viewer, filters)
    return _page(request, viewer, queryset, params.page, params.page_size)


@router.get("/directory/near-me", response=EntryPage, summary="Alumni in my city (or `city`)")
def directory_near(request: HttpRequest, city: str = "", page: int = 1, page_size: int = 20) -> Any:
    viewer = _verified_viewer(request)
    chosen = city.strip()[:60] or (viewer.record.city if viewer.record else "")
    page, page_size = max(1, page), min(max(1, page_size), 50)
    return _page(request, viewer, listing.near_me(viewer, chosen), page, page_size)


@router.get("/directory/alumni/{record_id}", response=EntryOut, summary="One directory entry")
def directory_entry(request: HttpRequest, record_id: int) -> Any:
    viewer = _verified_viewer(request)
    record = listing.directory_records().filter(pk=record_id).first()
    if record is None:
        raise Http404
    return _entries(request, viewer, [record])[0]


@router.get(
    "/directory/organizations/{organization_id}/members",
    response=EntryPage,
    summary="An organization's address book (members and admins)",
)
def directory_address_book(
    request: HttpRequest, organization_id: int, page: int = 1, page_size: int = 20
) -> Any:
    org = get_object_or_404(Organization, pk=organization_id)
    if not listing.may_read_address_book(_user(request), org):
        raise Http404
    viewer = viewer_for(_user(request))
    page, page_size = max(1, page), min(max(1, page_size), 50)
    return _page(request, viewer, listing.address_book(org), page, page_size)


@router.get("/me/privacy", response=PrivacyOut, summary="My privacy settings")
def privacy_get(request: HttpRequest) -> Any:
    current = PrivacySettings.objects.filter(user_id=_user(request).pk).first()
    chosen = {name: getattr(current, name) if current else "" for name in PRIVATE_FIELDS}
    return {"chosen": chosen, "defaults": school_defaults()}


@router.put("/me/privacy", response=PrivacyOut, summary="Change my privacy settings")
def privacy_put(request: HttpRequest, payload: PrivacyIO) -> Any:
    privacy_settings_update(actor=_user(request), values=payload.dict())
    return privacy_get(request)


def _card_out(request: HttpRequest, exchanges: list[CardExchange]) -> list[dict[str, Any]]:
    user = _user(request)
    viewer = viewer_for(user)
    other_ids = {exchange.other_party_id(user.pk) for exchange in exchanges}
    records = list(listing.directory_records().filter(user_id__in=other_ids))
    by_user = {
        record.user_id: entry
        for record, entry in zip(records, _entries(request, viewer, records), strict=True)
    }
    return [
        {
            "id": exchange.pk,
            "status": exchange.status,
            "direction": "sent" if exchange.requester_id == user.pk else "received",
            "other": by_user.get(exchange.other_party_id(user.pk)),
            "message": exchange.message,
            "created_at": exchange.created_at,
            "decided_at": exchange.decided_at,
        }
        for exchange in exchanges
    ]


@router.get("/me/cards", response=list[CardOut], summary="My business-card exchanges")
def cards_list(request: HttpRequest) -> Any:
    return _card_out(request, list(listing.cards_of(_user(request))[:200]))


@router.post(
    "/directory/alumni/{record_id}/card-requests",
    response={201: CardOut},
    summary="Ask to exchange business cards (rate-limited)",
)
def card_request(request: HttpRequest, record_id: int, payload: CardIn) -> Any:
    _verified_viewer(request)
    record = listing.directory_records().filter(pk=record_id).first()
    if record is None:
        raise Http404
    exchange = card_services.card_request_create(
        actor=_user(request), recipient_record=record, message=payload.message
    )
    return Status(201, _card_out(request, [exchange])[0])


def _exchange(request: HttpRequest, exchange_id: int) -> CardExchange:
    exchange = listing.card_for(_user(request), exchange_id)
    if exchange is None:
        raise Http404
    return exchange


@router.post(
    "/directory/cards/{exchange_id}/accept", response=CardOut, summary="Accept a card request"
)
def card_accept(request: HttpRequest, exchange_id: int) -> Any:
    exchange = card_services.card_request_accept(
        actor=_user(request), exchange=_exchange(request, exchange_id)
    )
    return _card_out(request, [exchange])[0]


@router.post(
    "/directory/cards/{exchange_id}/decline", response=CardOut, summary="Decline a card request"
)
def card_decline(request: HttpRequest, exchange_id: int) -> Any:
    exchange = card_services.card_request_decline(
        actor=_user(request), exchange=_exchange(request, exchange_id)
    )
    return _card_out(request, [exchange])[0]


@router.get(
    "/directory/cards/{exchange_id}/vcard",
    summary="The other party's vCard 4.0 (text/vcard) of an accepted exchange",
)
def card_vcard_download(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _exchange(request, exchange_id)
    from xiaoyou.core import policy

    if not policy.can(_user(request), "download", exchange):
        raise Http404
    _name, text = card_vcard(user=_user(request), exchange=exchange)
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="card-{exchange.pk}.vcf"'
    return response
