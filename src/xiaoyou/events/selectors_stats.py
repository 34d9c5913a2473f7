"""Statistics of one event (活动统计): registrations over time, by ticket type and by status,
check-in rate, revenue and waitlist, aggregated in the database in four queries whatever the
number of registrations.

- Registrations over time count every registration (any status) by the local (Asia/Shanghai)
  day it was made; days without any are filled with zeros between the first and the last.
- The check-in rate is checked-in confirmed registrations over confirmed registrations.
- Revenue is what the paid payment orders of the event's registrations brought in, minus what
  was refunded of them (payments records refunds on the order as `refunded_amount`), in fen.
  Every paid order counts, including one replaced later or refunded in full.
- The waitlist is the registrations waiting for a seat (an offered seat is no longer waiting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Sum
from django.db.models.functions import Cast, TruncDate

from xiaoyou.events.models import Event, Registration, RegistrationStatus, TicketType

# Longest span of days filled with zeros (an event's sign-ups rarely run longer than a year).
FILL_DAYS_LIMIT = 400


@dataclass(frozen=True)
class TicketFigures:
    ticket_id: int
    name: str
    registrations: int = 0  # any status
    confirmed: int = 0
    checked_in: int = 0  # confirmed and checked in


@dataclass(frozen=True)
class EventStatistics:
    total: int
    confirmed: int
    checked_in: int
    waitlist: int
    revenue_gross: int  # fen
    refunded: int  # fen
    paid_orders: int
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    by_ticket: list[TicketFigures] = field(default_factory=list)
    by_status: list[tuple[str, Any, int]] = field(default_factory=list)  # (value, label, count)

    @property
    def revenue(self) -> int:
        """Net revenue in fen: paid minus refunded."""
        return self.revenue_gross - self.refunded

    @property
    def check_in_rate(self) -> float | None:
        """Percent of confirmed registrations checked in (None when nobody is confirmed)."""
        if not self.confirmed:
            return None
        return round(self.checked_in * 100 / self.confirmed, 1)


def _fill_days(rows: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    if len(rows) < 2:
        return rows
    first, last = rows[0][0], rows[-1][0]
    span = (last - first).days
    if span > FILL_DAYS_LIMIT:
        return rows
    counts = dict(rows)
    return [
        (first + dt.timedelta(days=offset), counts.get(first + dt.timedelta(days=offset), 0))
        for offset in range(span + 1)
    ]


def _revenue(event: Event) -> dict[str, Any]:
    from xiaoyou.payments.models import PaymentOrder

    # Orders point at their payable by content type and a text id: match the event's
    # registration ids as text, and the content type by its natural key (no extra lookup).
    registration_keys = (
        Registration.objects.filter(event=event)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return PaymentOrder.objects.filter(
        payable_type__app_label="events",
        payable_type__model="registration",
        payable_id__in=registration_keys,
        paid_at__isnull=False,
    ).aggregate(gross=Sum("amount"), refunded=Sum("refunded_amount"), orders=Count("id"))


def event_statistics(event: Event) -> EventStatistics:
    """The figures of `event` (see the module docstring for each rule); four queries."""
    tickets = list(TicketType.objects.filter(event=event).values_list("pk", "name"))
    grouped = (
        Registration.objects.filter(event=event)
        .values("ticket_type_id", "status")
        .annotate(total=Count("id"), checked_in=Count("checked_in_at"))
        .order_by()
    )
    per_ticket: dict[int, dict[str, int]] = {
        pk: {"registrations": 0, "confirmed": 0, "checked_in": 0} for pk, _name in tickets
    }
    per_status: dict[str, int] = {}
    for row in grouped:
        figures = per_ticket.setdefault(
            row["ticket_type_id"], {"registrations": 0, "confirmed": 0, "checked_in": 0}
        )
        figures["registrations"] += row["total"]
        if row["status"] == RegistrationStatus.CONFIRMED:
            figures["confirmed"] += row["total"]
            figures["checked_in"] += row["checked_in"]
        per_status[row["status"]] = per_status.get(row["status"], 0) + row["total"]
    names = dict(tickets)
    by_ticket = [
        TicketFigures(ticket_id=pk, name=names.get(pk, str(pk)), **figures)
        for pk, figures in per_ticket.items()
    ]
    by_status = [
        (value, label, per_status[value])
        for value, label in RegistrationStatus.choices
        if per_status.get(value)
    ]
    days = (
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Count("id"))
        .order_by("day")
    )
    by_day = _fill_days([(row["day"], row["total"]) for row in days])
    money = _revenue(event)
    return EventStatistics(
        total=sum(per_status.values()),
        confirmed=per_status.get(RegistrationStatus.CONFIRMED, 0),
        checked_in=sum(item.checked_in for item in by_ticket),
        waitlist=per_status.get(RegistrationStatus.WAITLISTED, 0),
        revenue_gross=money["gross"] or 0,
        refunded=money["refunded"] or 0,
        paid_orders=money["orders"] or 0,
        by_day=by_day,
        by_ticket=by_ticket,
        by_status=by_status,
    )
