"""Hall pages of the business-card exchange (交换名片): ask, my cards, accept or decline,
download a vCard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.directory import selectors_directory as listing
from xiaoyou.directory.models import CardStatus
from xiaoyou.directory.selectors import viewer_for, visible_fields_bulk
from xiaoyou.directory.services import cards as services
from xiaoyou.directory.vcard import card_vcard


@login_required
@require_POST
def card_request(request: HttpRequest, pk: int) -> HttpResponse:
    record = listing.directory_records().filter(pk=pk).first()
    if record is None:
        raise Http404
    try:
        services.card_request_create(
            actor=request.user, recipient_record=record, message=request.POST.get("message", "")
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Request sent. You will be told when it is accepted."))
    return redirect("hall:directory_entry", pk=pk)


@login_required
def my_cards(request: HttpRequest) -> HttpResponse:
    """我的名片: requests waiting for me, my requests, and the cards exchanged."""
    user: Any = request.user
    exchanges = list(listing.cards_of(user))
    other_ids = {exchange.other_party_id(user.pk) for exchange in exchanges}
    records = {
        record.user_id: record
        for record in listing.directory_records().filter(user_id__in=other_ids)
    }
    viewer = viewer_for(request.user)
    visible = visible_fields_bulk(request.user, list(records.values()), viewer=viewer)
    rows: list[dict[str, Any]] = []
    for exchange in exchanges:
        record = records.get(exchange.other_party_id(user.pk))
        entry = listing.Entry(record=record, fields=visible[record.pk]) if record else None
        rows.append({"exchange": exchange, "entry": entry})
    return render(
        request,
        "directory/hall/cards.html",
        {
            "incoming": [
                row
                for row in rows
                if row["exchange"].status == CardStatus.PENDING
                and row["exchange"].recipient_id == user.pk
            ],
            "outgoing": [
                row
                for row in rows
                if row["exchange"].status == CardStatus.PENDING
                and row["exchange"].requester_id == user.pk
            ],
            "exchanged": [row for row in rows if row["exchange"].status == CardStatus.ACCEPTED],
        },
    )


def _exchange(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    exchange = listing.card_for(request.user, pk)
    if exchange is None:
        raise Http404
    return exchange


@login_required
@require_POST
def card_answer(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    exchange = _exchange(request, pk)
    try:
        if decision == "accept":
            services.card_request_accept(actor=request.user, exchange=exchange)
            messages.success(request, gettext("Cards exchanged."))
        else:
            services.card_request_decline(actor=request.user, exchange=exchange)
            messages.success(request, gettext("Request declined."))
    except ApplicationError as error:
        messages.error(request, error.text())
    return redirect("hall:directory_cards")


@login_required
def card_download(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    if not policy.can(request.user, "download", exchange):
        raise Http404
    _name, text = card_vcard(user=request.user, exchange=exchange)
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="card-{exchange.pk}.vcf"'
    return response


def entry(request: HttpRequest) -> str:
    """The personal-center entry "My cards"."""
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:directory_cards"),
            "label": _("My cards"),
            "text": gettext("Business cards exchanged with alumni, requests to answer"),
            "icon": "card",
        },
        request=request,
    )
