"""Console: the event list (活动列表) of the current organization and its sub-organizations,
with filters (organization, status, dates, type, paid or free) and quick actions (publish,
copy in bulk; edit, registrations, cancel per row)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import in_current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.events.models import Event, EventKind, EventStatus, TicketType

# The console manages events through this policy action (events/policy.py).
MANAGE = "manage"


def managed_events(request: HttpRequest) -> QuerySet[Event]:
    """Events the user manages, in the console's current organization and below, each with
    `is_paid` (some ticket type has a price) so the list needs no query per row."""
    paid = TicketType.objects.filter(event=OuterRef("pk"), price__gt=0)
    queryset = Event.objects.select_related("org").annotate(is_paid=Exists(paid))
    return in_current_org(policy.scoped(queryset, request.user, MANAGE), request)


def managed_event(request: HttpRequest, pk: int) -> Event:
    """One event the user manages (404 otherwise: no hint that it exists)."""
    event = (
        policy.scoped(Event.objects.select_related("org"), request.user, MANAGE)
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


def _org_filter(queryset: QuerySet[Event], value: Any) -> QuerySet[Event]:
    return queryset.filter(org__path__startswith=value)


def _paid_filter(queryset: QuerySet[Event], value: Any) -> QuerySet[Event]:
    paid = Exists(TicketType.objects.filter(event=OuterRef("pk"), price__gt=0))
    return queryset.filter(paid if value else ~paid)


def _seats(event: Event) -> str:
    if event.capacity is None:
        return str(event.seats_taken)
    return f"{event.seats_taken} / {event.capacity}"


def event_list(request: HttpRequest) -> HttpResponse:
    """活动列表: one query for the page whatever its length (organization and paid flag joined)."""
    orgs = org_choices(request)

    def edit_url(event: Event) -> str:
        return reverse("console:event_edit", args=[event.pk])

    def row_actions(event: Event) -> list[tuple[Any, str]]:
        actions: list[tuple[Any, str]] = [
            (_("Registrations"), reverse("console:event_registrations", args=[event.pk])),
        ]
        if event.status in (EventStatus.PUBLISHED, EventStatus.DRAFT):
            actions.append((_("Cancel"), reverse("console:event_cancel", args=[event.pk])))
        return actions

    table = DataTable(
        request,
        managed_events(request),
        columns=[
            Column("starts_at", gettext_lazy("Starts at"), sort="starts_at"),
            Column("title", gettext_lazy("Title"), link=edit_url, sort="title"),
            Column("org__name", gettext_lazy("Organizer")),
            Column("kind", gettext_lazy("Type")),
            Column(
                "is_paid",
                gettext_lazy("Tickets"),
                accessor=lambda event: _("Paid") if event.is_paid else _("Free"),
            ),
            Column("seats", gettext_lazy("Seats taken"), accessor=_seats, align="num"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "org",
                gettext_lazy("Organization"),
                kind="select",
                lookup=_org_filter,
                choices=[(org.path, str(org)) for org in orgs],
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=EventStatus.choices,
            ),
            Filter("since", gettext_lazy("From"), kind="date", lookup="starts_at__date__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="starts_at__date__lte"),
            Filter(
                "kind",
                gettext_lazy("Type"),
                kind="select",
                lookup="kind",
                choices=EventKind.choices,
            ),
            Filter("paid", gettext_lazy("Paid"), kind="boolean", lookup=_paid_filter),
        ],
        search_fields=["title", "place"],
        default_sort="-starts_at",
        bulk_actions=[
            BulkAction("publish", gettext_lazy("Publish")),
            BulkAction("copy", gettext_lazy("Copy")),
        ],
        bulk_url=reverse("console:event_bulk"),
        empty_title=gettext_lazy("No events yet"),
        empty_text=gettext_lazy("Create an event to open registration."),
        row_actions=row_actions,
    )
    return render(request, "events/console/event_list.html", {"table": table})


@require_POST
def event_bulk(request: HttpRequest) -> HttpResponse:
    """Quick actions on the selected events: publish (drafts) or copy (as new drafts)."""
    from xiaoyou.events.services.events import event_copy, event_publish

    action = request.POST.get("action", "")
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    events = list(managed_events(request).filter(pk__in=ids))
    done = 0
    for event in events:
        try:
            if action == "publish":
                if event.status != EventStatus.DRAFT:
                    continue
                event_publish(actor=request.user, event=event)
            elif action == "copy":
                event_copy(actor=request.user, event=event)
            else:
                break
        except ApplicationError as error:
            messages.error(request, f"{event.title}: {error.text()}")
        else:
            done += 1
    if done:
        messages.success(request, _("Done for %(count)s events.") % {"count": done})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("console:events")
    return redirect(target)
