"""Seats (名额): taken and released only by conditional UPDATEs, so a rush never oversells.

`Event.seats_taken` and `TicketType.seats_taken` count the seats of the registrations in a
seat-holding status (SEAT_HOLDING). A seat is taken by

    UPDATE events_event SET seats_taken = seats_taken + n
     WHERE id = %s AND (capacity IS NULL OR seats_taken + n <= capacity)

and the same on the ticket type, in the registration's transaction: the row lock the first
UPDATE takes is held until that transaction ends, so the check and the increment are one step
for every database (PostgreSQL re-evaluates the WHERE after waiting for the lock; SQLite runs
writers one at a time). Rows are always locked event first, then ticket type, so two sign-ups
never deadlock. The caller releases seats exactly once: only the transaction whose conditional
UPDATE moved a registration out of a seat-holding status calls `seats_release`.
"""

from __future__ import annotations

from django.db import connection

from xiaoyou.events.models import Event, TicketType

_EVENT = Event._meta.db_table
_TICKET = TicketType._meta.db_table


def _take(table: str, row_id: int, seats: int, *, beyond_capacity: bool) -> bool:
    with connection.cursor() as cursor:
        if beyond_capacity:
            cursor.execute(
                f"UPDATE {table} SET seats_taken = seats_taken + %s WHERE id = %s",  # noqa: S608
                [seats, row_id],
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET seats_taken = seats_taken + %s "  # noqa: S608
                "WHERE id = %s AND (capacity IS NULL OR seats_taken + %s <= capacity)",
                [seats, row_id, seats],
            )
        return cursor.rowcount == 1


def _release(table: str, row_id: int, seats: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET seats_taken = CASE WHEN seats_taken >= %s "  # noqa: S608
            "THEN seats_taken - %s ELSE 0 END WHERE id = %s",
            [seats, seats, row_id],
        )


def seats_take(
    *, event_id: int, ticket_type_id: int, seats: int, beyond_capacity: bool = False
) -> bool:
    """Takes `seats` on the event and the ticket type; False (nothing taken) when either is full.

    Must run inside the transaction that also writes the registration's new status.
    `beyond_capacity` (an invitation code) counts the seats without checking the limits.
    """
    if seats <= 0:
        return True
    if not _take(_EVENT, event_id, seats, beyond_capacity=beyond_capacity):
        return False
    if not _take(_TICKET, ticket_type_id, seats, beyond_capacity=beyond_capacity):
        _release(_EVENT, event_id, seats)  # still ours: the row lock is held until commit
        return False
    return True


def seats_release(*, event_id: int, ticket_type_id: int, seats: int) -> None:
    """Gives back `seats` on the event and the ticket type (the caller's transaction)."""
    if seats <= 0:
        return
    _release(_EVENT, event_id, seats)
    _release(_TICKET, ticket_type_id, seats)


def looks_full(event: Event, ticket_type: TicketType, seats: int) -> bool:
    """A lock-free read: True when the counters (as last read) leave no room for `seats`.

    Used to skip the conditional UPDATE (and its wait for the row lock) in a rush once the
    event is full; a seat freed meanwhile is handed to the waitlist (see waitlist.py).
    """
    row = Event.objects.filter(pk=event.pk).values_list("capacity", "seats_taken").first()
    if row is None:
        return True
    capacity, taken = row
    if capacity is not None and taken + seats > capacity:
        return True
    if ticket_type.capacity is not None:
        ticket_taken = (
            TicketType.objects.filter(pk=ticket_type.pk)
            .values_list("seats_taken", flat=True)
            .first()
        )
        if ticket_taken is not None and ticket_taken + seats > ticket_type.capacity:
            return True
    return False


def seats_held(event: Event) -> int:
    """Seats the seat-holding registrations hold (what `seats_taken` must equal)."""
    from django.db.models import Sum

    from xiaoyou.events.models import SEAT_HOLDING

    total = event.registrations.filter(status__in=SEAT_HOLDING).aggregate(total=Sum("seats"))
    return int(total["total"] or 0)
