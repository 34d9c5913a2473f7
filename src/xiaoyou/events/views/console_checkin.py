"""Console check-in (签到): the scanner page and the JSON it talks to.

The page (static/events/checkin.js) opens the phone's camera, decodes QR codes in the browser
with jsQR and posts each token to `scan`; several phones scan the same event at once (the
service accepts a ticket once). The scan answers with the attendee only: the page polls
`counts` every few seconds (a count over the event's registrations per scan would make every
scan slower as the event grows, and ten scanners need no more than one fresh figure every few
seconds). Offline it verifies tickets against the downloaded bundle
(ticket list + the event's ticket key, see services.tickets), queues check-ins in
localStorage and posts them to `sync` when the network is back. Admins of the event's
organization and above only (policy `check_in`); other events are a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xiaoyou.core import policy
from xiaoyou.events.models import (
    CheckIn,
    CheckInSource,
    Event,
    Registration,
    RegistrationStatus,
)
from xiaoyou.events.services import tickets

SEARCH_LIMIT = 20


def _event(request: HttpRequest, pk: int) -> Event:
    """The event by its key, then the check_in rule on it (the user's roles are cached for the
    request): cheaper per scan than a scoped query, and the same answer (404 when refused)."""
    event = Event.objects.select_related("org").filter(pk=pk).first()
    if event is None or not policy.can(request.user, "check_in", event):
        raise Http404
    return event


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _attendee(registration: Registration | None) -> dict[str, Any] | None:
    if registration is None:
        return None
    user = registration.user
    avatar = getattr(user, "avatar", None) if user is not None else None
    return {
        "id": registration.pk,
        "name": registration.name,
        "ticket_type": registration.ticket_type.name,
        "seat": registration.seat,
        "guests": registration.guests,
        "status": registration.get_status_display(),
        "photo": avatar.url if avatar else "",
        "checked_in_at": (
            timezone.localtime(registration.checked_in_at).strftime("%H:%M:%S")
            if registration.checked_in_at
            else ""
        ),
    }


def _result(row: CheckIn) -> dict[str, Any]:
    registration = row.registration  # loaded with its ticket type and user by the service
    return {
        "accepted": row.accepted,
        "reason": row.reason,
        "message": tickets.reason_text(row.reason) if row.reason else "",
        "attendee": _attendee(registration),
        "scanned_at": row.scanned_at.isoformat(),
    }


def _counts(event: Event) -> dict[str, int]:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).aggregate(
        confirmed=Count("id"), checked_in=Count("checked_in_at")
    )


def _texts() -> dict[str, str]:
    """What checkin.js shows, translated here (JSON-safe, unlike template output)."""
    return {
        "accepted": _("Checked in"),
        "refused": _("Refused"),
        "offlineAccepted": _("Checked in (offline, will sync)"),
        "unknown": _("Not a ticket of this event."),
        "forged": tickets.reason_text(tickets.FORGED),
        "duplicate": tickets.reason_text(tickets.DUPLICATE),
        "noBundle": _("Offline and no ticket list downloaded: cannot check tickets."),
        "online": _("Online"),
        "offline": _("Offline"),
        "synced": _("Synced"),
        "conflicts": _("Scanned on two devices while offline: see the flagged list."),
        "bundleReady": _("Tickets on this device:"),
        "checkIn": _("Check in"),
        "checkedInAt": _("checked in at"),
        "noCamera": _("The camera could not be opened. Use the search or type the ticket code."),
        "nothingFound": _("Nobody found."),
    }


@require_GET
def checkin_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    flagged = (
        CheckIn.objects.filter(event=event, reason=tickets.OFFLINE_CONFLICT)
        .select_related("registration", "by")
        .order_by("-id")[:20]
    )
    config = {
        "event": event.pk,
        "scanUrl": reverse("console:events_checkin_scan", args=[event.pk]),
        "countsUrl": reverse("console:events_checkin_counts", args=[event.pk]),
        "searchUrl": reverse("console:events_checkin_search", args=[event.pk]),
        "manualUrl": reverse("console:events_checkin_manual", args=[event.pk, 0]),
        "bundleUrl": reverse("console:events_checkin_bundle", args=[event.pk]),
        "syncUrl": reverse("console:events_checkin_sync", args=[event.pk]),
        "badgeUrl": reverse("console:events_badges_pdf", args=[event.pk]),
        "text": _texts(),
    }
    return render(
        request,
        "events/console/checkin.html",
        {"event": event, "counts": _counts(event), "flagged": flagged, "config": config},
    )


@require_POST
def checkin_scan(request: HttpRequest, pk: int) -> JsonResponse:
    """One scanned token: accepted or refused, with the attendee to show.

    The door's hot path: the event and the ticket's registration come in one query
    (`tickets.scan_lookup`), then the same check_in rule as `_event` (404 when refused)."""
    data = _body(request)
    token = str(data.get("token", ""))[:200]
    lookup = tickets.scan_lookup(event_pk=pk, token=token)
    event = lookup.event
    if event is None or not policy.can(request.user, "check_in", event):
        raise Http404
    row = tickets.check_in(
        event=event,
        token=token,
        lookup=lookup,
        actor=request.user,
        source=CheckInSource.SCAN,
        device=str(data.get("device", "")),
    )
    return JsonResponse(_result(row))


@require_GET
def checkin_counts(request: HttpRequest, pk: int) -> JsonResponse:
    """Confirmed and checked-in registrations, polled by the scanner page."""
    response = JsonResponse(_counts(_event(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def checkin_search(request: HttpRequest, pk: int) -> JsonResponse:
    """Registrations of the event matching a name, phone or ticket number (check-in by name)."""
    event = _event(request, pk)
    query = request.GET.get("q", "").strip()[:50]
    if not query:
        return JsonResponse({"results": []})
    rows = (
        Registration.objects.filter(event=event)
        .filter(
            Q(name__icontains=query)
            | Q(phone__endswith=query)
            | Q(ticket_code__iexact=query.upper())
        )
        .select_related("ticket_type", "user")
        .order_by("name", "id")[:SEARCH_LIMIT]
    )
    results = []
    for registration in rows:
        attendee = _attendee(registration) or {}
        attendee["can_check_in"] = (
            registration.status == RegistrationStatus.CONFIRMED
            and registration.checked_in_at is None
        )
        results.append(attendee)
    return JsonResponse({"results": results})


@require_POST
def checkin_manual(request: HttpRequest, pk: int, registration_pk: int) -> JsonResponse:
    event = _event(request, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("ticket_type", "user"), pk=registration_pk, event=event
    )
    row = tickets.check_in(
        event=event,
        registration=registration,
        actor=request.user,
        source=CheckInSource.SEARCH,
        device=str(_body(request).get("device", "")),
    )
    return JsonResponse({**_result(row), "counts": _counts(event)})


@require_GET
def checkin_bundle(request: HttpRequest, pk: int) -> JsonResponse:
    """The offline bundle: ticket list and ticket key (never cached by a proxy)."""
    event = _event(request, pk)
    response = JsonResponse(tickets.offline_bundle(event=event, actor=request.user))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def checkin_sync(request: HttpRequest, pk: int) -> JsonResponse:
    """Check-ins queued offline: {"device", "scans": [{"token", "scanned_at"}]}."""
    event = _event(request, pk)
    data = _body(request)
    scans = data.get("scans")
    if not isinstance(scans, list) or len(scans) > 5000:
        return JsonResponse({"error": "invalid_input"}, status=400)
    rows = tickets.checkin_sync(
        event=event,
        actor=request.user,
        device=str(data.get("device", "")),
        scans=[scan for scan in scans if isinstance(scan, dict)],
    )
    return JsonResponse(
        {
            "results": [
                {"accepted": row.accepted, "reason": row.reason, "code": _code(row)} for row in rows
            ],
            "counts": _counts(event),
        }
    )


def _code(row: CheckIn) -> str:
    return row.registration.ticket_code or "" if row.registration is not None else ""


@require_GET
def checkin_venue_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The event's on-site QR (自助签到): registrants scan it with their phones to check in."""
    event = _event(request, pk)
    url = request.build_absolute_uri(
        reverse("hall:ticket_self_checkin", args=[event.pk, tickets.event_self_token(event)])
    )
    return render(request, "events/console/checkin_venue_qr.html", {"event": event, "url": url})
