"""Hall: my e-tickets (电子票) and self check-in (自助签到) with the event's on-site QR.

A ticket page shows its QR (the signed token) only to the registrant; anyone else gets a 404,
so ticket numbers cannot be harvested. The on-site QR opens `self_checkin` on the attendee's
phone: signed in, one tap checks their confirmed registration in.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import Event, Registration, RegistrationStatus
from xiaoyou.events.services import tickets


def _me(request: HttpRequest) -> Any:
    return request.user  # signed in (login_required)


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    registrations = (
        Registration.objects.filter(user=_me(request), status=RegistrationStatus.CONFIRMED)
        .select_related("event", "ticket_type")
        .order_by("-event__starts_at", "-id")
    )
    upcoming = [row for row in registrations if row.event.ends_at >= timezone.now()]
    past = [row for row in registrations if row.event.ends_at < timezone.now()]
    return render(request, "events/hall/checkin_tickets.html", {"upcoming": upcoming, "past": past})


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = (
        Registration.objects.select_related("event", "ticket_type")
        .filter(pk=pk, user=_me(request))
        .first()
    )
    if registration is None:
        raise Http404
    token = ""
    if registration.status == RegistrationStatus.CONFIRMED:
        tickets.ticket_issue(registration=registration)
        token = tickets.ticket_payload(registration)
    return render(
        request,
        "events/hall/checkin_ticket.html",
        {"registration": registration, "event": registration.event, "token": token},
    )


@login_required
def self_checkin(request: HttpRequest, event_pk: int, token: str) -> HttpResponse:
    """GET: confirm who checks in; POST: check in (a GET never writes: link previews)."""
    event = get_object_or_404(Event, pk=event_pk)
    if token.upper() != tickets.event_self_token(event):
        raise Http404
    registration = (
        Registration.objects.filter(event=event, user=_me(request))
        .select_related("ticket_type")
        .order_by("-id")
        .first()
    )
    result = None
    problem = ""
    if request.method == "POST":
        try:
            result = tickets.self_check_in(event=event, token=token, actor=request.user)
        except ApplicationError as error:
            problem = error.text()
        else:
            if not result.accepted:
                problem = tickets.reason_text(result.reason)
            if registration is not None:
                registration.refresh_from_db()
    return render(
        request,
        "events/hall/checkin_self.html",
        {
            "event": event,
            "registration": registration,
            "result": result,
            "problem": problem,
        },
        status=400 if problem and result is None else 200,
    )
