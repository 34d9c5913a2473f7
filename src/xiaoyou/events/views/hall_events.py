"""Hall: the event list (活动) of the association and its organizations, search, an event's
page with the visitor's registration status and the seats left, its calendar file (.ics) and
share card; the home section and the personal-center entry."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xiaoyou.core import fragment_cache, policy
from xiaoyou.core.richtext import sanitize
from xiaoyou.events.ics import event_ics
from xiaoyou.events.models import (
    SEAT_HOLDING,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from xiaoyou.events.selectors import event_series_dates, event_sessions
from xiaoyou.events.services.events import LIST_TOPIC
from xiaoyou.organizations.models import Organization

PAGE_SIZE = 12
HOME_SECTION_SIZE = 5
HOME_SECTION_SECONDS = 300
# Registrations that are still the person's own (not given up or refused).
LIVE = [
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.AWAITING_PAYMENT,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
]


def published_events(user: Any) -> QuerySet[Event]:
    """Published main events (sessions are listed on their main event's page)."""
    from xiaoyou.events.selectors import events_visible_to

    return (
        events_visible_to(user)
        .filter(status=EventStatus.PUBLISHED, parent__isnull=True)
        .select_related("org")
    )


def with_my_status(queryset: QuerySet[Event], user: Any) -> QuerySet[Event]:
    """Adds `my_status`: the visitor's live registration status (None), in the same query."""
    if not getattr(user, "is_authenticated", False):
        return queryset
    mine = Registration.objects.filter(event=OuterRef("pk"), user=user, status__in=LIVE)
    return queryset.annotate(
        my_status=Subquery(
            mine.order_by("-created_at").values("status")[:1], output_field=CharField()
        )
    )


def _tag_filter(queryset: QuerySet[Event], tag: str) -> QuerySet[Event]:
    if connection.vendor == "postgresql":
        return queryset.filter(tags__contains=[tag])
    # SQLite keeps JSON as text with non-ASCII escaped, as json.dumps writes it.
    return queryset.annotate(tags_text=Cast("tags", TextField())).filter(
        tags_text__contains=json.dumps(tag)
    )


def status_label(value: str | None) -> str:
    return str(RegistrationStatus(value).label) if value else ""


def seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - event.seats_taken, 0)


def event_list(request: HttpRequest) -> HttpResponse:
    """活动: upcoming first, then past ones; search by keyword, organization, tag and place.
    One query for the page (organization and the visitor's status joined) plus the count."""
    queryset = published_events(request.user)
    text = request.GET.get("q", "").strip()[:100]
    if text:
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(org__name__icontains=text)
        )
    place = request.GET.get("place", "").strip()[:100]
    if place:
        queryset = queryset.filter(Q(place__icontains=place) | Q(address__icontains=place))
    tag = request.GET.get("tag", "").strip()[:20]
    if tag:
        queryset = _tag_filter(queryset, tag)
    org = None
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = Organization.objects.filter(pk=int(org_id), is_active=True).first()
        if org is None:
            raise Http404
        queryset = queryset.filter(org__path__startswith=org.path)
    when = request.GET.get("when", "upcoming")
    now = timezone.now()
    if when == "past":
        queryset = queryset.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        queryset = queryset.filter(ends_at__gte=now).order_by("-is_pinned", "starts_at", "id")
    page = Paginator(with_my_status(queryset, request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for event in page.object_list:
        event.my_status_label = status_label(getattr(event, "my_status", None))  # type: ignore[attr-defined]
        event.seats_left = seats_left(event)  # type: ignore[attr-defined]
    return render(
        request,
        "events/hall/event_list.html",
        {"page": page, "org": org, "q": text, "place": place, "tag": tag, "when": when},
    )


def visible_event(request: HttpRequest, pk: int) -> Event:
    event = Event.objects.select_related("org").filter(pk=pk).first()
    if event is None or not policy.can(request.user, "view", event):
        raise Http404
    return event


def my_registration(user: Any, event: Event) -> Registration | None:
    """The visitor's registration for `event`: the live one, else the latest."""
    if not getattr(user, "is_authenticated", False):
        return None
    registrations = list(
        Registration.objects.filter(event=event, user=user)
        .select_related("ticket_type", "payment")
        .order_by("-created_at", "-id")[:5]
    )
    live = [item for item in registrations if item.status in LIVE]
    found = live or registrations
    return found[0] if found else None


def registration_open(event: Event) -> bool:
    now = timezone.now()
    if event.status != EventStatus.PUBLISHED or event.ends_at < now:
        return False
    if event.registration_opens_at and now < event.registration_opens_at:
        return False
    return not (event.registration_closes_at and now > event.registration_closes_at)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.organizations import sharing

    event = visible_event(request, pk)
    tickets = [ticket for ticket in event.ticket_types.all() if ticket.is_active]
    for ticket in tickets:
        ticket.seats_left = (  # type: ignore[attr-defined]
            None if ticket.capacity is None else max(ticket.capacity - ticket.seats_taken, 0)
        )
    registration = my_registration(request.user, event)
    left = seats_left(event)
    card = sharing.share_card(
        request,
        title=event.title,
        description=event.summary
        or f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M} {event.place}",
        image=event.cover.url if event.cover else "",
        url=reverse("hall:event", args=[event.pk]),
    )
    return render(
        request,
        "events/hall/event_detail.html",
        {
            "event": event,
            "tickets": tickets,
            "registration": registration,
            "is_live": registration is not None and registration.status in LIVE,
            "seats_left": left,
            "is_full": left == 0,
            "is_open": registration_open(event),
            "can_cancel": registration is not None
            and registration.status in LIVE
            and registration.checked_in_at is None,
            "share_card": card,
            # Stored sanitized by the services; sanitized again here, the cheap belt and braces.
            "description_html": mark_safe(sanitize(event.description)),  # noqa: S308
            "holding": SEAT_HOLDING,
            "sessions": event_sessions(event, published_only=True),
            "series": [
                other
                for other in event_series_dates(event, published_only=True)
                if other.ends_at >= timezone.now()
            ],
        },
    )


def event_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as an .ics file for the phone's or the computer's calendar."""
    event = visible_event(request, pk)
    url = request.build_absolute_uri(reverse("hall:event", args=[event.pk]))
    text = event_ics(event, url=url, domain=request.get_host().split(":")[0] or "xiaoyou")
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


# --- Registry entries (events/ui_setup.py) ---------------------------------------------------


def _home_events(request: HttpRequest) -> list[Event]:
    queryset = published_events(request.user).filter(ends_at__gte=timezone.now())
    events = list(
        with_my_status(queryset, request.user).order_by("-is_pinned", "starts_at", "id")[
            :HOME_SECTION_SIZE
        ]
    )
    for event in events:
        event.my_status_label = status_label(getattr(event, "my_status", None))  # type: ignore[attr-defined]
        event.seats_left = seats_left(event)  # type: ignore[attr-defined]
    return events


def home_section(request: HttpRequest) -> str:
    """首页 → 活动: the next five events with the visitor's registration status, in one query.
    Visitors who are not signed in share one cached copy (rebuilt when events change)."""

    def render_html() -> str:
        events = _home_events(request)
        if not events:
            return ""
        return render_to_string(
            "events/hall/_home_section.html", {"events": events}, request=request
        )

    if request.user.is_authenticated:
        return render_html()
    return fragment_cache.cached(
        "events.home",
        topics=(LIST_TOPIC,),
        vary="visitor",
        timeout=HOME_SECTION_SECONDS,
        render=render_html,
    )


def my_events_entry(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:my_events"),
            "label": _("My events"),
            "text": _("Events I registered for or organized"),
            "icon": "calendar",
        },
        request=request,
    )
