"""Console lottery (抽奖) of one event: prizes (add, edit, delete), the draws with their seed,
pool and a re-verification, the winners and their Excel export, and the full-screen draw page
for the venue screen (static/events/lottery.js: names roll for a moment, the winners come from
the server's draw; the animation decides nothing). Managers of the event only; other events
are a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.excel import export_response
from xiaoyou.core.templatetags.xiaoyou import masked
from xiaoyou.events import selectors_lottery
from xiaoyou.events.models import Event, LotteryPrize
from xiaoyou.events.services import lottery
from xiaoyou.events.views.console_events import managed_event


class PrizeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Prize"), max_length=60)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantity"), min_value=1, max_value=lottery.QUANTITY_LIMIT, initial=1
    )
    allow_previous_winners = forms.BooleanField(
        label=gettext_lazy("Earlier winners of this event may win it too"), required=False
    )


class DrawForm(forms.Form):
    prize = forms.IntegerField(widget=forms.HiddenInput)
    count = forms.IntegerField(label=gettext_lazy("Winners to draw"), min_value=1, initial=1)


def _prize(event: Event, prize_pk: int) -> LotteryPrize:
    return get_object_or_404(
        LotteryPrize.objects.select_related("event__org"), pk=prize_pk, event=event
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _winner_json(winner: Any) -> dict[str, Any]:
    registration = winner.registration
    return {
        "position": winner.position,
        "name": registration.name,
        "phone": masked(registration.phone, "phone"),
        "ticket": registration.ticket_type.name,
    }


def _page(
    request: HttpRequest, event: Event, form: PrizeForm, *, status: int = 200
) -> HttpResponse:
    draws = [
        {
            "draw": draw,
            "pool_size": len(draw.pool),
            "is_verified": lottery.lottery_verify(draw=draw),
        }
        for draw in selectors_lottery.draws_of(event)
    ]
    return render(
        request,
        "events/console/lottery.html",
        {
            "event": event,
            "prizes": selectors_lottery.prizes_of(event),
            "draws": draws,
            "winners": selectors_lottery.winners_of(event),
            "form": form,
            "checked_in": selectors_lottery.checked_in_count(event),
        },
        status=status,
    )


@require_GET
def lottery_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    return _page(request, event, PrizeForm())


@require_POST
def prize_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    form = PrizeForm(request.POST)
    if not form.is_valid():
        return _page(request, event, form, status=400)
    try:
        lottery.prize_create(actor=request.user, event=event, **form.cleaned_data)
    except ApplicationError as error:
        form.add_error(None, error.text())
        return _page(request, event, form, status=400)
    messages.success(request, _("Prize added."))
    return redirect("console:event_lottery", pk=event.pk)


@require_http_methods(["GET", "POST"])
def prize_edit(request: HttpRequest, pk: int, prize_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    prize = _prize(event, prize_pk)
    initial = {
        "name": prize.name,
        "description": prize.description,
        "quantity": prize.quantity,
        "allow_previous_winners": prize.allow_previous_winners,
    }
    form = PrizeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lottery.prize_update(actor=request.user, prize=prize, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Prize saved."))
            return redirect("console:event_lottery", pk=event.pk)
    return render(
        request,
        "events/console/lottery_prize.html",
        {"event": event, "prize": prize, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def prize_delete(request: HttpRequest, pk: int, prize_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    prize = _prize(event, prize_pk)
    try:
        lottery.prize_delete(actor=request.user, prize=prize)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Prize deleted."))
    return redirect("console:event_lottery", pk=event.pk)


@require_POST
def lottery_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """One draw (form fields `prize` and `count`): JSON for the draw screen, else a redirect
    back to the lottery page with the winners in a message."""
    event = managed_event(request, pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        error = ApplicationError("invalid_input")
        if _wants_json(request):
            return JsonResponse(
                {"error": {"code": error.code, "message": error.text()}}, status=400
            )
        messages.error(request, error.text())
        return redirect("console:event_lottery", pk=event.pk)
    prize = _prize(event, form.cleaned_data["prize"])
    try:
        draw = lottery.lottery_draw(
            actor=request.user, prize=prize, count=form.cleaned_data["count"]
        )
    except ApplicationError as error:
        if _wants_json(request):
            return JsonResponse(
                {"error": {"code": error.code, "message": error.text()}}, status=error.status
            )
        messages.error(request, error.text())
        return redirect("console:event_lottery", pk=event.pk)
    winners = list(draw.winners.select_related("registration__ticket_type").order_by("position"))
    if not _wants_json(request):
        names = "、".join(winner.registration.name for winner in winners)
        messages.success(
            request, _("Winners of %(prize)s: %(names)s") % {"prize": prize.name, "names": names}
        )
        return redirect("console:event_lottery", pk=event.pk)
    left = prize.quantity - lottery.winners_count(prize)
    return JsonResponse(
        {
            "draw": draw.pk,
            "prize": {"id": prize.pk, "name": prize.name, "left": left},
            "winners": [_winner_json(winner) for winner in winners],
            "seed": draw.seed,
            "pool_size": len(draw.pool),
            "pool_digest": draw.pool_digest,
        }
    )


def _screen_texts() -> dict[str, str]:
    """What lottery.js shows, translated here."""
    return {
        "drawing": _("Drawing…"),
        "leftOf": _("{left} of {quantity} left"),
        "failed": _("The draw failed. Check the connection and try again."),
        "soldOut": _("All drawn"),
    }


@require_GET
def lottery_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The full-screen draw page for the venue screen (no console chrome)."""
    event = managed_event(request, pk)
    prizes = selectors_lottery.prizes_of(event)
    config = {
        "drawUrl": reverse("console:event_lottery_draw", args=[event.pk]),
        "names": selectors_lottery.pool_names(event),
        "prizes": [
            {
                "id": row.prize.pk,
                "name": row.prize.name,
                "quantity": row.prize.quantity,
                "left": row.left,
            }
            for row in prizes
        ],
        "text": _screen_texts(),
    }
    return render(
        request,
        "events/console/lottery_screen.html",
        {"event": event, "prizes": prizes, "config": config},
    )


@require_GET
def draw_record(request: HttpRequest, pk: int, draw_pk: int) -> JsonResponse:
    """One draw as published for re-verification: seed, the pool's ids, digest and winners in
    order, with the algorithm in words (services.lottery's docstring)."""
    event = managed_event(request, pk)
    draw = get_object_or_404(selectors_lottery.draws_of(event).select_related("prize"), pk=draw_pk)
    winners = list(draw.winners.all())
    response = JsonResponse(
        {
            "event": {"id": event.pk, "title": event.title},
            "prize": {"id": draw.prize_id, "name": draw.prize.name},
            "draw": draw.pk,
            "drawn_at": draw.drawn_at.isoformat(),
            "count": draw.count,
            "seed": draw.seed,
            "pool": draw.pool,
            "pool_digest": draw.pool_digest,
            "winners": [winner.registration_id for winner in winners],
            "algorithm": lottery.ALGORITHM,
            "reproduced": lottery.lottery_verify(draw=draw),
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = f'attachment; filename="lottery-draw-{draw.pk}.json"'
    return response


@require_GET
def winners_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The winners as an Excel sheet (full phone numbers, for handing out the prizes)."""
    event = managed_event(request, pk)
    policy.require(request.user, "export", event)
    headers = [
        _("Prize"),
        _("Order drawn"),
        _("Name"),
        _("Mobile phone"),
        _("Ticket"),
        _("Ticket number"),
        _("Drawn at"),
        _("Draw"),
    ]
    rows = [
        [
            winner.prize.name,
            winner.position,
            winner.registration.name,
            winner.registration.phone,
            winner.registration.ticket_type.name,
            winner.registration.ticket_code or "",
            timezone.localtime(winner.draw.drawn_at),
            winner.draw_id,
        ]
        for winner in selectors_lottery.winners_of(event)
    ]
    return export_response(f"{event.title}-{_('lottery winners')}", headers, rows, "xlsx")
