"""API of the cloud card for the H5 pages and the mini program: my card with its live code,
the partners and my vouchers. Scanning a partner's QR stays a page (the QR holds its URL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from xiaoyou.cards.selectors import card_of, hall_program, my_vouchers, partners_public
from xiaoyou.cards.services.cards import (
    LIVE_TOKEN_REFRESH_SECONDS,
    LIVE_TOKEN_SECONDS,
    card_live_token,
)

router = Router(tags=["cards"])


class CardOut(Schema):
    program_name: str
    brand_color: str
    number: str
    holder_name: str
    issued_at: datetime
    live_code_url: str
    live_code_valid_seconds: int
    live_code_refresh_seconds: int


class PartnerOut(Schema):
    id: int
    name: str
    benefit: str
    benefit_details: str
    introduction: str
    address: str
    phone: str
    logo_url: str


class VoucherOut(Schema):
    id: int
    name: str
    kind: str
    value: str
    partner_name: str
    status: str
    expires_at: datetime | None
    redeemed_at: datetime | None


def _program() -> Any:
    program = hall_program()
    if program is None:
        raise Http404
    return program


@router.get(
    "/cards/me",
    response=CardOut,
    summary="My cloud card with a fresh live code (the QR to show; valid about a minute)",
)
def my_card(request: HttpRequest) -> Any:
    program = _program()
    card = card_of(request.user, program)
    if card is None or card.revoked_at is not None:
        raise Http404
    token = card_live_token(card)
    return CardOut(
        program_name=program.name,
        brand_color=program.brand_color,
        number=card.number,
        holder_name=card.record.name if card.record is not None else str(card.user),
        issued_at=card.issued_at,
        live_code_url=request.build_absolute_uri(reverse("hall:card_verify", args=[token])),
        live_code_valid_seconds=LIVE_TOKEN_SECONDS,
        live_code_refresh_seconds=LIVE_TOKEN_REFRESH_SECONDS,
    )


@router.get("/cards/partners", response=list[PartnerOut], summary="Partner institutions")
def partners(request: HttpRequest) -> Any:
    return [
        PartnerOut(
            id=partner.pk,
            name=partner.name,
            benefit=partner.benefit,
            benefit_details=partner.benefit_details,
            introduction=partner.introduction,
            address=partner.address,
            phone=partner.phone,
            logo_url=partner.logo.url if partner.logo else "",
        )
        for partner in partners_public(_program())
    ]


@router.get("/cards/vouchers", response=list[VoucherOut], summary="My vouchers")
def vouchers(request: HttpRequest) -> Any:
    return [
        VoucherOut(
            id=voucher.pk,
            name=voucher.voucher_type.name,
            kind=voucher.voucher_type.kind,
            value=voucher.voucher_type.value,
            partner_name=voucher.voucher_type.partner.name,
            status=voucher.status,
            expires_at=voucher.expires_at,
            redeemed_at=voucher.redeemed_at,
        )
        for voucher in my_vouchers(request.user)[:200]
    ]
