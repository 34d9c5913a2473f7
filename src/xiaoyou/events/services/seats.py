"""座位安排: seats of confirmed registrations, assigned by hand or by tables/rows, and exported.

A seat is a label on the registration (`Registration.seat`), written in the staff's language
when assigned ("3桌5号"), shown as is on the e-ticket, the badge and the check-in screen.
Automatic assignment fills tables (or rows) of N seats in registration order; a registration
with extra guests takes consecutive seats at one table, starting a new table when the party
does not fit in what is left of the current one, so guests sit together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import Event, Registration, RegistrationStatus

TABLE = "table"
ROW = "row"
LAYOUTS = (TABLE, ROW)


def seat_label(layout: str, group: int, first: int, last: int) -> str:
    if layout == ROW:
        if first == last:
            return _("Row %(row)d, seat %(seat)d") % {"row": group, "seat": first}
        return _("Row %(row)d, seats %(first)d-%(last)d") % {
            "row": group,
            "first": first,
            "last": last,
        }
    if first == last:
        return _("Table %(table)d, seat %(seat)d") % {"table": group, "seat": first}
    return _("Table %(table)d, seats %(first)d-%(last)d") % {
        "table": group,
        "first": first,
        "last": last,
    }


def seat_assign(*, actor: Any, registration: Registration, seat: str) -> Registration:
    """Sets one registration's seat by hand (empty clears it)."""
    policy.require(actor, "assign_seats", registration.event)
    seat = seat.strip()[:40]
    with transaction.atomic():
        before = registration.seat
        registration.seat = seat
        registration.save(update_fields=["seat", "updated_at"])
        audit.record(
            actor=actor,
            action="events.seat_assign",
            obj=registration,
            org=registration.event.org,
            changes={"seat": [before, seat]},
        )
    return registration


def _plan(
    parties: list[tuple[int, int]], *, size: int, start: int
) -> Iterator[tuple[int, int, int, int]]:
    """(registration id, group, first seat, last seat) for parties of (id, people) in order."""
    group, used = start, 0
    for registration_id, people in parties:
        if used and used + people > size:  # does not fit what is left: a new table
            group, used = group + 1, 0
        first = used + 1
        used += people
        yield registration_id, group, first, min(used, max(size, people))
        if used >= size:
            group, used = group + 1, 0


def seats_auto_assign(
    *,
    actor: Any,
    event: Event,
    size: int,
    layout: str = TABLE,
    start: int = 1,
    overwrite: bool = False,
) -> int:
    """Seats confirmed registrations in registration order, tables (rows) of `size` seats.

    Without `overwrite`, registrations that already have a seat keep it and the others are
    placed from table (row) `start` on. Returns how many registrations were seated.
    """
    policy.require(actor, "assign_seats", event)
    if layout not in LAYOUTS or not 1 <= size <= 500:
        raise ApplicationError("invalid_input")
    registrations = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).order_by("created_at", "id")
    if not overwrite:
        registrations = registrations.filter(seat="")
    parties = [(row.pk, 1 + row.guests) for row in registrations.only("id", "guests")]
    with transaction.atomic():
        if overwrite:
            Registration.objects.filter(event=event).exclude(
                status=RegistrationStatus.CONFIRMED
            ).update(seat="")
        changed = []
        for registration_id, group, first, last in _plan(parties, size=size, start=start):
            changed.append(
                Registration(pk=registration_id, seat=seat_label(layout, group, first, last))
            )
        Registration.objects.bulk_update(changed, ["seat"], batch_size=500)
        audit.record(
            actor=actor,
            action="events.seats_auto_assign",
            obj=event,
            changes={"seated": [None, len(changed)], "layout": [None, f"{layout}x{size}"]},
        )
    return len(changed)


def seats_export_rows(event: Event) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the seating plan (for core.excel.export_response)."""
    headers = [_("Seat"), _("Name"), _("Ticket type"), _("Extra guests"), _("Ticket number")]
    rows = [
        [row.seat, row.name, row.ticket_type.name, row.guests, row.ticket_code or ""]
        for row in Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("ticket_type")
        .order_by("created_at", "id")  # the order seats were given in
    ]
    return headers, rows
