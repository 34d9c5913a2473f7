"""Registrations as payables: what a paid or refunded order means for a registration.

Both callbacks run in a payments task after the order's state change committed and may run
again for the same state (retries, replayed notifications): they are idempotent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.events.models import SEAT_HOLDING, Registration, RegistrationStatus
from xiaoyou.events.services import notices
from xiaoyou.events.services.transitions import (
    payment_refund,
    status_move,
    ticket_issue_if_available,
)

S = RegistrationStatus


def _registration_of(order: Any) -> Registration | None:
    return (
        Registration.objects.select_related("event", "event__org", "ticket_type")
        .filter(pk=order.payable_id)
        .first()
    )


def registration_paid(order: Any) -> None:
    """The order is paid: AWAITING_PAYMENT / OFFERED -> CONFIRMED with its e-ticket. A payment
    arriving after the hold ended (expired, cancelled) or for a stale order is refunded."""
    registration = _registration_of(order)
    if registration is None:
        return
    if registration.payment_id == order.pk and registration.status == S.CONFIRMED:
        return
    if registration.payment_id == order.pk and registration.status in (
        S.AWAITING_PAYMENT,
        S.OFFERED,
    ):
        with transaction.atomic():
            if status_move(registration, to=S.CONFIRMED, offer_expires_at=None):
                ticket_issue_if_available(registration)
                notices.notify_after_commit(registration.pk, notices.CONFIRMED)
                return
        registration.refresh_from_db()
        if registration.status == S.CONFIRMED:
            return
    # Paid too late (the seat went to someone else) or twice: give the money back.
    payment_refund(registration, actor=None, reason="seat no longer held", order=order)


def registration_refunded(order: Any) -> None:
    """A refund went through: once the order is fully refunded (e.g. from the payments
    console), a registration still holding a seat with it is cancelled and the seat freed."""
    from xiaoyou.events.services.registrations import _promote_if_room
    from xiaoyou.payments.models import OrderStatus

    order.refresh_from_db()
    if order.status != OrderStatus.REFUNDED:
        return
    registration = _registration_of(order)
    if registration is None or registration.payment_id != order.pk:
        return
    if registration.status not in SEAT_HOLDING:
        return
    with transaction.atomic():
        if status_move(registration, to=S.CANCELLED, decision_reason="refunded"):
            transaction.on_commit(lambda: _promote_if_room(registration.event_id))


def _describe(registration: Registration) -> str:
    return f"{registration.event.title} · {registration.name}"


def _next_url(registration: Registration) -> str:
    from django.urls import reverse

    return reverse("hall:event_registration", args=[registration.pk])


def register() -> None:
    from xiaoyou.payments.payables import register_payable

    register_payable(
        Registration,
        on_paid=registration_paid,
        on_refunded=registration_refunded,
        describe=_describe,
        next_url=_next_url,
    )
