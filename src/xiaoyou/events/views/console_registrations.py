"""Console: the registrations of one event (报名管理) — search, filters by status and ticket
type, export to Excel; approve, reject, ask to leave (请退) with a reason, check in by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import BulkAction, Column, DataTable, Filter
from xiaoyou.events.forms import ReasonForm
from xiaoyou.events.models import Event, Registration, RegistrationStatus
from xiaoyou.events.views.console_events import managed_event
from xiaoyou.payments.money import format_yuan

# Actions that need a reason shown to the registrant.
WITH_REASON = ("reject", "leave")


def _registrations(request: HttpRequest, event: Event) -> Any:
    from xiaoyou.events.selectors import registrations_for_event

    return registrations_for_event(request.user, event).select_related("ticket_type")


def registration_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_event(request, pk)

    def detail_url(item: Registration) -> str:
        return reverse("console:event_registration", args=[event.pk, item.pk])

    tickets = list(event.ticket_types.all())
    table = DataTable(
        request,
        _registrations(request, event),
        columns=[
            Column("created_at", gettext_lazy("Registered at"), sort="created_at"),
            Column("name", gettext_lazy("Name"), link=detail_url, sort="name"),
            Column("phone", gettext_lazy("Mobile phone")),
            Column("email", gettext_lazy("Email")),
            Column("ticket_type__name", gettext_lazy("Ticket")),
            Column("guests", gettext_lazy("Extra guests"), align="num"),
            Column(
                "amount",
                gettext_lazy("Amount (yuan)"),
                accessor=lambda item: format_yuan(item.amount),
                align="num",
            ),
            Column("status", gettext_lazy("Status"), badge=True, sort="status"),
            Column("checked_in_at", gettext_lazy("Checked in at"), sort="checked_in_at"),
            Column("ticket_code", gettext_lazy("Ticket number")),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=RegistrationStatus.choices,
            ),
            Filter(
                "ticket",
                gettext_lazy("Ticket"),
                kind="select",
                lookup="ticket_type_id",
                choices=[(str(ticket.pk), ticket.name) for ticket in tickets],
            ),
            Filter("checked_in", gettext_lazy("Checked in"), kind="boolean", lookup=_checked_in),
        ],
        search_fields=["name", "phone", "email", "ticket_code"],
        search_placeholder=gettext_lazy("Name, phone, email or ticket number"),
        default_sort="-created_at",
        bulk_actions=[
            BulkAction("approve", gettext_lazy("Approve")),
            BulkAction("checkin", gettext_lazy("Check in")),
        ],
        bulk_url=reverse("console:event_registrations_bulk", args=[event.pk]),
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No registrations yet"),
        empty_text=gettext_lazy("Registrations appear here as alumni sign up."),
    )
    if table.export_format:
        return table.export_response(f"registrations-{event.pk}")
    return render(
        request, "events/console/registration_list.html", {"event": event, "table": table}
    )


def _checked_in(queryset: Any, value: bool) -> Any:
    return queryset.filter(checked_in_at__isnull=not value)


def _get(request: HttpRequest, event: Event, registration_pk: int) -> Registration:
    registration = _registrations(request, event).filter(pk=registration_pk).first()
    if registration is None:
        raise Http404
    return registration


def registration_detail(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    registration = _get(request, event, registration_pk)
    answers = [
        (spec.get("label") or spec.get("key"), registration.answers.get(spec.get("key"), ""))
        for spec in event.form_fields or []
        if isinstance(spec, dict) and spec.get("key")
    ]
    return render(
        request,
        "events/console/registration_detail.html",
        {
            "event": event,
            "registration": registration,
            "answers": answers,
            "reason_form": ReasonForm(),
        },
    )


def _actions() -> dict[str, Callable[..., Any]]:
    from xiaoyou.events.services import registrations as services

    return {
        "approve": services.registration_approve,
        "reject": services.registration_reject,
        "leave": services.registration_ask_to_leave,
    }


def _check_in(request: HttpRequest, event: Event, registration: Registration) -> None:
    """Manual check-in (found by name): through the tickets service, which records it."""
    try:
        from xiaoyou.events.services.tickets import check_in
    except ImportError:  # the check-in module is not installed yet
        raise ApplicationError(
            "events.checkin_unavailable", _("Check-in is not available.")
        ) from None
    from xiaoyou.events.models import CheckInSource

    check_in(
        event=event,
        registration=registration,
        actor=request.user,
        source=CheckInSource.SEARCH,
        device="console",
    )


def _apply(
    request: HttpRequest, event: Event, registration: Registration, action: str, reason: str
) -> None:
    if action == "checkin":
        _check_in(request, event, registration)
        return
    service = _actions().get(action)
    if service is None:
        raise Http404
    service(actor=request.user, registration=registration, reason=reason)


@require_POST
def registration_decide(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """Approve, reject, ask to leave (the last two with a reason) or check in one registration."""
    event = managed_event(request, pk)
    registration = _get(request, event, registration_pk)
    action = request.POST.get("action", "")
    reason = ""
    if action in WITH_REASON:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason; the registrant will see it."))
            return redirect(
                "console:event_registration", pk=event.pk, registration_pk=registration.pk
            )
        reason = form.cleaned_data["reason"]
    try:
        _apply(request, event, registration, action, reason)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done."))
    return redirect("console:event_registration", pk=event.pk, registration_pk=registration.pk)


@require_POST
def registration_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or check in the selected registrations (errors reported per person)."""
    event = managed_event(request, pk)
    action = request.POST.get("action", "")
    if action not in ("approve", "checkin"):
        raise Http404
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    done = 0
    for registration in _registrations(request, event).filter(pk__in=ids):
        try:
            _apply(request, event, registration, action, "")
        except ApplicationError as error:
            messages.error(request, f"{registration.name}: {error.text()}")
        else:
            done += 1
    if done:
        messages.success(request, _("Done for %(count)s registrations.") % {"count": done})
    return redirect("console:event_registrations", pk=event.pk)
