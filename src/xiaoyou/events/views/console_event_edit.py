"""Console: create and edit an event (活动编辑) with its ticket types and registration form;
publish, cancel with a reason (registrants notified and refunded by the service), copy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, org_choices
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.forms import (
    EventForm,
    FormFieldFormSet,
    ReasonForm,
    TicketTypeFormSet,
    event_initial,
    form_fields_initial,
    ticket_initial,
)
from xiaoyou.events.models import Event, EventStatus, TicketType
from xiaoyou.events.selectors import event_series_dates, event_sessions
from xiaoyou.events.views.console_events import managed_event


def event_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, managed_event(request, pk))


def _forms(
    request: HttpRequest, event: Event | None, tickets: list[TicketType]
) -> tuple[EventForm, Any, Any]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if event is None:
        org = current_org(request)
        initial: dict[str, Any] = {"org": getattr(org, "pk", "")}
        ticket_rows: list[dict[str, Any]] = [{"name": _("Standard"), "price": "0"}]
    else:
        initial = event_initial(event)
        ticket_rows = ticket_initial(tickets)
    form = EventForm(data, files, initial=initial, orgs=org_choices(request))
    if event is not None:
        form.fields["org"].disabled = True
    ticket_formset = TicketTypeFormSet(data, initial=ticket_rows, prefix="tickets")
    field_formset = FormFieldFormSet(data, initial=form_fields_initial(event), prefix="fields")
    return form, ticket_formset, field_formset


def _edit(request: HttpRequest, event: Event | None) -> HttpResponse:
    tickets = list(event.ticket_types.all()) if event is not None else []
    form, ticket_formset, field_formset = _forms(request, event, tickets)
    if request.method == "POST" and all(
        [form.is_valid(), ticket_formset.is_valid(), field_formset.is_valid()]
    ):
        try:
            event = _save(request, event, tickets, form, ticket_formset, field_formset)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:event_edit", pk=event.pk)
    return render(
        request,
        "events/console/event_form.html",
        {
            "event": event,
            "form": form,
            "ticket_formset": ticket_formset,
            "field_formset": field_formset,
            "reason_form": ReasonForm(),
            "series": event_series_dates(event, published_only=False) if event else [],
            "sessions": event_sessions(event, published_only=False) if event else [],
        },
    )


def _save(
    request: HttpRequest,
    event: Event | None,
    tickets: list[TicketType],
    form: EventForm,
    ticket_formset: Any,
    field_formset: Any,
) -> Event:
    """The event, then each ticket type through the services, in one transaction."""
    from xiaoyou.events.services.events import event_create, event_update, ticket_type_save

    fields = form.event_fields()
    fields["form_fields"] = field_formset.fields_in_order()
    by_id = {ticket.pk: ticket for ticket in tickets}
    with transaction.atomic():
        if event is None:
            event = event_create(actor=request.user, org=form.cleaned_data["org"], **fields)
        else:
            event_update(actor=request.user, event=event, **fields)
        for position, ticket_form in enumerate(ticket_formset.kept()):
            data = ticket_form.cleaned_data
            ticket_type_save(
                actor=request.user,
                event=event,
                ticket_type=by_id.get(data.get("id") or 0),
                name=data["name"],
                price=data["price"],
                capacity=data.get("capacity"),
                description=data.get("description") or "",
                is_active=bool(data.get("is_active")),
                position=position,
            )
        for removed in ticket_formset.removed_ids():
            # Registrations keep their ticket type (PROTECT): a removed one only stops selling.
            if removed in by_id:
                ticket_type_save(
                    actor=request.user, event=event, ticket_type=by_id[removed], is_active=False
                )
    return event


@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.events.services.events import event_publish as publish

    event = managed_event(request, pk)
    try:
        publish(actor=request.user, event=event)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("The event is published."))
    return redirect("console:event_edit", pk=event.pk)


def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel with a reason shown to the registrants (the service notifies and refunds them)."""
    from xiaoyou.events.services.events import event_cancel as cancel

    event = managed_event(request, pk)
    form = ReasonForm(request.POST or None)
    if event.status == EventStatus.CANCELLED:
        messages.info(request, _("The event is already cancelled."))
        return redirect("console:event_edit", pk=event.pk)
    if request.method == "POST" and form.is_valid():
        try:
            cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("The event is cancelled; registrants are told."))
            return redirect("console:event_edit", pk=event.pk)
    return render(request, "events/console/event_cancel.html", {"event": event, "form": form})


@require_POST
def event_copy(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.events.services.events import event_copy as copy

    event = managed_event(request, pk)
    try:
        new_event = copy(actor=request.user, event=event)
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:event_edit", pk=event.pk)
    messages.success(request, _("A copy was made as a draft."))
    return redirect("console:event_edit", pk=new_event.pk)
