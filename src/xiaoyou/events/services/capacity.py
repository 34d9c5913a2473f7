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

from typing import Any

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


def signup_precheck(
    *, event: Event, ticket_type: TicketType, seats: int, user_id: int, blacklist_org_ids: list[int]
) -> tuple[bool, str | None]:
    """One lock-free read before a sign-up: (looks full, blacklist reason or None).

    "Looks full" is True when the counters (as last committed) leave no room for `seats` on
    the event or the ticket type; the sign-up then skips the conditional UPDATE (and its wait
    for the event row's lock in a rush) and joins the waitlist. A seat freed meanwhile goes to
    the waitlist (waitlist.py), in which this sign-up then stands. The blacklist entries read
    are the user's for this event and for `blacklist_org_ids` (empty: blacklist not applied).
    One round trip instead of two: this runs for every sign-up of a rush.
    """
    from xiaoyou.events.models import BlacklistEntry

    blacklist = BlacklistEntry._meta.db_table
    params: list[Any] = [user_id, event.pk]
    if blacklist_org_ids:
        org_sql = f" OR b.org_id IN ({', '.join(['%s'] * len(blacklist_org_ids))})"
        params += blacklist_org_ids
        reason_sql = (
            f"(SELECT b.reason FROM {blacklist} b WHERE b.user_id = %s "  # noqa: S608
            f"AND (b.event_id = %s{org_sql}) ORDER BY b.id DESC LIMIT 1)"
        )
    else:
        params = []
        reason_sql = "NULL"
    sql = (
        f"SELECT e.capacity, e.seats_taken, t.capacity, t.seats_taken, {reason_sql} "  # noqa: S608
        f"FROM {_EVENT} e JOIN {_TICKET} t ON t.event_id = e.id WHERE e.id = %s AND t.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, event.pk, ticket_type.pk])
        row = cursor.fetchone()
    if row is None:
        return True, None
    capacity, taken, ticket_capacity, ticket_taken, reason = row
    full = (capacity is not None and taken + seats > capacity) or (
        ticket_capacity is not None and ticket_taken + seats > ticket_capacity
    )
    return bool(full), reason


def seats_held(event: Event) -> int:
    """Seats the seat-holding registrations hold (what `seats_taken` must equal)."""
    from django.db.models import Sum

    from xiaoyou.events.models import SEAT_HOLDING

    total = event.registrations.filter(status__in=SEAT_HOLDING).aggregate(total=Sum("seats"))
    return int(total["total"] or 0)
