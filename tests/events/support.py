"""Helpers of the evcore tests (registrations, capacity, waitlist, payments of events)."""

from __future__ import annotations

from typing import Any

from tests.events.factories import EventFactory, TicketTypeFactory
from xiaoyou.events.models import Event, Registration, TicketType
from xiaoyou.events.services.registrations import registration_create


def event_with_ticket(
    *,
    org: Any,
    capacity: int | None = None,
    price: int = 0,
    ticket_capacity: int | None = None,
    **fields: Any,
) -> tuple[Event, TicketType]:
    event = EventFactory(org=org, capacity=capacity, **fields)
    ticket = TicketTypeFactory(event=event, price=price, capacity=ticket_capacity)
    return event, ticket


def sign_up(event: Event, ticket: TicketType, user: Any, **fields: Any) -> Registration:
    return registration_create(
        event=event, ticket_type=ticket, user=user, name=fields.pop("name", "参会者"), **fields
    )


def pay(registration: Registration) -> None:
    """Pays the registration's order through the fake provider (tests.payments.fake_provider);
    run inside django_capture_on_commit_callbacks(execute=True) so on_paid runs."""
    from xiaoyou.payments.providers.base import PaymentState, StartContext
    from xiaoyou.payments.services.orders import payment_start
    from xiaoyou.payments.services.settlement import payment_state_apply

    registration.refresh_from_db()
    order = registration.payment
    assert order is not None
    payment_start(order=order, provider="fake", channel="native", context=StartContext())
    state = PaymentState(out_trade_no=order.out_trade_no, state="paid", amount=order.amount)
    assert payment_state_apply(order=order, state=state, source="notification")


def counters(event: Event) -> tuple[int, int]:
    """(seats_taken on the event, seats the seat-holding registrations hold)."""
    from xiaoyou.events.services.capacity import seats_held

    event.refresh_from_db()
    return event.seats_taken, seats_held(event)
