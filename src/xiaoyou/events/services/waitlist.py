"""候补: the waitlist, offers of freed seats and the expiry of unpaid holds.

When a seat frees (a cancellation, a rejection, an expired offer or payment, more capacity),
the oldest waitlisted registration whose ticket type has room gets it: a free ticket is
CONFIRMED at once; a paid one is OFFERED with a payment order and `offer_expires_at` = now +
`event.offer_minutes`; an event needing approval puts it back in review (holding the seat).
The order is strict: when the next person needs more seats (guests) than are free, nobody
behind them jumps ahead. Each promotion is its own transaction, guarded by the conditional
UPDATE of the registration's status, so concurrent promoters never hand one seat out twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from xiaoyou.events.models import Event, EventStatus, Registration, RegistrationStatus, TicketType
from xiaoyou.events.services import notices
from xiaoyou.events.services.capacity import seats_take
from xiaoyou.events.services.transitions import (
    order_attach,
    payment_settle_open,
    status_move,
    ticket_issue_if_available,
)

logger = logging.getLogger(__name__)

S = RegistrationStatus
BATCH = 50


class _Gone(Exception):
    """The registration left the waitlist meanwhile (cancelled, promoted by another worker)."""


def has_room(event: Event) -> bool:
    row = Event.objects.filter(pk=event.pk).values_list("capacity", "seats_taken").first()
    return row is not None and (row[0] is None or row[1] < row[0])


def _ticket_has_room(ticket_type_id: int, seats: int) -> bool:
    row = TicketType.objects.filter(pk=ticket_type_id).values_list("capacity", "seats_taken")
    capacity, taken = row.get()
    return capacity is None or taken + seats <= capacity


def _promote_one(registration: Registration) -> str:
    """ "promoted", "event_full", "ticket_full" or "gone"."""
    seats = 1 + registration.guests
    event = registration.event
    try:
        with transaction.atomic():
            if not seats_take(
                event_id=event.pk, ticket_type_id=registration.ticket_type_id, seats=seats
            ):
                ticket_full = has_room(event) and not _ticket_has_room(
                    registration.ticket_type_id, seats
                )
                return "ticket_full" if ticket_full else "event_full"
            invitation = registration.invitation
            needs_approval = event.requires_approval and not (
                invitation is not None and invitation.bypass_approval
            )
            fields: dict[str, object] = {"seats": seats}
            if needs_approval:
                to = S.PENDING_REVIEW
            elif registration.amount == 0:
                to = S.CONFIRMED
            else:
                to = S.OFFERED
                fields["offer_expires_at"] = timezone.now() + dt.timedelta(
                    minutes=event.offer_minutes
                )
            if not status_move(registration, to=to, expected=S.WAITLISTED, **fields):
                raise _Gone
            if to == S.OFFERED:
                order_attach(registration, expires_at=registration.offer_expires_at)
                notices.notify_after_commit(registration.pk, notices.OFFERED)
            elif to == S.CONFIRMED:
                ticket_issue_if_available(registration)
                notices.notify_after_commit(registration.pk, notices.CONFIRMED)
    except _Gone:
        return "gone"
    return "promoted"


def waitlist_promote(*, event: Event) -> list[Registration]:
    """Hands freed seats of `event` to its waitlist, oldest first; returns those promoted."""
    promoted: list[Registration] = []
    full_ticket_types: set[int] = set()
    while has_room(event):
        batch = list(
            Registration.objects.filter(event=event, status=S.WAITLISTED)
            .exclude(ticket_type_id__in=full_ticket_types)
            .select_related("event", "event__org", "ticket_type", "invitation")
            .order_by("waitlisted_at", "id")[:BATCH]
        )
        if not batch:
            break
        for registration in batch:
            outcome = _promote_one(registration)
            if outcome == "promoted":
                promoted.append(registration)
            elif outcome == "event_full":
                return promoted
            elif outcome == "ticket_full":
                full_ticket_types.add(registration.ticket_type_id)
    return promoted


def _expire(registration: Registration, *, expected: str, reason: str) -> bool:
    """Ends an unpaid hold: the order is closed first (a payment made meanwhile wins)."""
    from xiaoyou.payments.services.orders import PAID_STATUSES

    order = payment_settle_open(registration)
    if order is not None and order.status in PAID_STATUSES:
        return False  # on_paid confirms it
    with transaction.atomic():
        return status_move(registration, to=S.CANCELLED, expected=expected, decision_reason=reason)


def holds_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic: cancels offers past `offer_expires_at` and registrations whose payment order
    expired unpaid, then promotes the waitlists of the events concerned and of every event
    with free seats and a waitlist. Returns how many holds expired."""
    now = now or timezone.now()
    expired = 0
    events: set[int] = set()
    offers = Registration.objects.filter(status=S.OFFERED, offer_expires_at__lte=now)
    for registration in offers.select_related("payment")[:500]:
        if _expire(registration, expected=S.OFFERED, reason="offer expired"):
            expired += 1
            events.add(registration.event_id)
    unpaid = Registration.objects.filter(
        status=S.AWAITING_PAYMENT, payment__expires_at__lte=now
    ).select_related("payment")
    for registration in unpaid[:500]:
        if _expire(registration, expected=S.AWAITING_PAYMENT, reason="payment timeout"):
            expired += 1
            events.add(registration.event_id)
    # Also events with free seats and a waitlist: a sign-up waitlisted while a seat was being
    # released (the releaser's promotion ran before the sign-up committed) is served here.
    with_room = (
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            registrations__status=S.WAITLISTED,
        )
        .filter(Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")))
        .values_list("pk", flat=True)
        .distinct()
    )
    events.update(with_room)
    for event in Event.objects.filter(pk__in=events):
        waitlist_promote(event=event)
    return expired
