"""Console: guest badges (现场打印) and seating (座位安排) of an event.

Badges print in bulk (every confirmed registration) or one at check-in (`?registration=<id>`),
on 100x70 or 90x54 mm labels. Seats are assigned by tables/rows of N in registration order, or
one by one, and exported to Excel. Admins of the event's organization and above only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.excel import export_response
from xiaoyou.events.models import Event, Registration, RegistrationStatus
from xiaoyou.events.services import badges, seats


class AutoSeatForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=[(seats.TABLE, gettext_lazy("Tables")), (seats.ROW, gettext_lazy("Rows"))],
    )
    size = forms.IntegerField(
        label=gettext_lazy("Seats per table or row"), min_value=1, max_value=500, initial=10
    )
    start = forms.IntegerField(
        label=gettext_lazy("First table or row number"), min_value=1, initial=1
    )
    overwrite = forms.BooleanField(
        label=gettext_lazy("Reassign everyone (clears seats given before)"), required=False
    )


def _event(request: HttpRequest, pk: int, action: str) -> Event:
    event = (
        policy.scoped(Event.objects.select_related("org"), request.user, action)
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


@require_GET
def badges_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "print_badges")
    size = request.GET.get("size", badges.DEFAULT_SIZE)
    if size not in badges.LABEL_SIZES:
        size = badges.DEFAULT_SIZE
    ids = [int(value) for value in request.GET.getlist("registration") if value.isdigit()]
    pdf = badges.event_badges_pdf(
        actor=request.user, event=event, size=size, registration_ids=ids or None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badges-{event.pk}-{size}.pdf"'
    return response


def seats_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "assign_seats")
    form = AutoSeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seated = seats.seats_auto_assign(actor=request.user, event=event, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(
                request, gettext("%(count)d registrations were seated.") % {"count": seated}
            )
            return redirect("console:events_seats", pk=event.pk)
    registrations = (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("ticket_type")
        .order_by("created_at", "id")
    )
    return render(
        request,
        "events/console/checkin_seats.html",
        {
            "event": event,
            "form": form,
            "registrations": registrations,
            "label_sizes": list(badges.LABEL_SIZES),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def seat_set(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(request, pk, "assign_seats")
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    seats.seat_assign(
        actor=request.user, registration=registration, seat=request.POST.get("seat", "")
    )
    messages.success(request, gettext("Seat saved."))
    return redirect("console:events_seats", pk=event.pk)


@require_GET
def seats_export(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, "assign_seats")
    headers, rows = seats.seats_export_rows(event)
    fmt = request.GET.get("format", "xlsx")
    return export_response(
        f"{event.title}-{gettext('seats')}",
        headers,
        rows,
        fmt if fmt in ("xlsx", "csv") else "xlsx",
    )
