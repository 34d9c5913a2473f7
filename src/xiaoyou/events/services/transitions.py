"""Moves of a registration between statuses, shared by the registration, waitlist and payment
code: each move is a conditional UPDATE on the registration's status, so when two requests
(a cancel and an expiry, two admins) race, exactly one moves it and only that one releases the
seats, closes the order or refunds."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.events.models import SEAT_HOLDING, Registration, RegistrationStatus
from xiaoyou.events.services.capacity import seats_release

logger = logging.getLogger(__name__)

LIVE = (
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.AWAITING_PAYMENT,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
)


def status_move(
    registration: Registration, *, to: str, expected: str | None = None, **fields: Any
) -> bool:
    """Moves `registration` from `expected` (default: its status as read) to `to`.

    Returns False, changing nothing, when its status is no longer `expected`. Leaving a
    seat-holding status releases the seats it held (once: only the winning UPDATE does).
    Entering one from a status without seats is the caller's business (seats_take first,
    `seats=` in fields).
    """
    current = registration.status if expected is None else expected
    holding_before = current in SEAT_HOLDING
    holding_after = to in SEAT_HOLDING
    if not holding_after:
        fields["seats"] = 0
    elif "seats" not in fields:
        fields["seats"] = registration.seats
    fields["updated_at"] = timezone.now()
    updated = Registration.objects.filter(pk=registration.pk, status=current).update(
        status=to, **fields
    )
    if not updated:
        return False
    if holding_before and not holding_after:
        seats_release(
            event_id=registration.event_id,
            ticket_type_id=registration.ticket_type_id,
            seats=registration.seats,
        )
    registration.status = to
    for name, value in fields.items():
        setattr(registration, name, value)
    return True


def ticket_issue_if_available(registration: Registration) -> None:
    """Issues the e-ticket through events.services.tickets (evcheckin's module) when present."""
    try:
        tickets = importlib.import_module("xiaoyou.events.services.tickets")
    except ImportError:
        return
    issue = getattr(tickets, "ticket_issue", None)
    if issue is not None:
        issue(registration=registration)


def order_attach(registration: Registration, *, expires_at: Any = None) -> Any:
    """Creates the payment order of a registration (amount = price x seats)."""
    from xiaoyou.payments.models import PaymentOrder
    from xiaoyou.payments.services.orders import order_create

    event = registration.event
    order = order_create(
        payable=registration,
        amount=registration.amount,
        subject=f"{event.title} · {registration.ticket_type.name}",
        org=event.org,
        payer=registration.user,
        metadata={"event": event.pk, "registration": registration.pk},
    )
    if expires_at is not None and (order.expires_at is None or order.expires_at < expires_at):
        # The offer's time limit is longer than the payments default: keep the order payable
        # as long as the seat is offered (order_create has no expiry argument).
        PaymentOrder.objects.filter(pk=order.pk).update(expires_at=expires_at)
        order.expires_at = expires_at
    registration.payment = order
    Registration.objects.filter(pk=registration.pk).update(payment=order)
    return order


def payment_settle_open(registration: Registration) -> Any:
    """Closes the registration's unpaid order (checking with the provider first); returns the
    order as it ends up, which is paid when the payer paid meanwhile."""
    from xiaoyou.payments.services.orders import OPEN_STATUSES, order_close

    order = registration.payment
    if order is None:
        return None
    order.refresh_from_db()
    if order.status in OPEN_STATUSES:
        try:
            order = order_close(order=order, reason="registration ended")
        except Exception:  # the provider is down: the periodic settlement retries
            logger.exception("events: closing order %s failed", order.pk)
    return order


def payment_refund(
    registration: Registration, *, actor: Any, reason: str, order: Any = None
) -> Any:
    """Refunds what is left of the registration's paid order (or of `order`), one refund each.

    Staff who may refund the order do it through payments.refund_create (the provider is asked
    now); otherwise (the registrant, the system) the refund is written through the payments
    service and sent by its task after commit. Returns the refund or None.
    """
    from xiaoyou.core import policy
    from xiaoyou.payments.models import PaymentOrder, PaymentRefund
    from xiaoyou.payments.services.orders import PAID_STATUSES
    from xiaoyou.payments.services.refunds import refund_create, refund_open, refundable_now

    if order is None:
        order = payment_settle_open(registration)
    else:
        order.refresh_from_db()
    if order is None or order.status not in PAID_STATUSES:
        return None
    number = f"{order.out_trade_no}E"
    existing = PaymentRefund.objects.filter(out_refund_no=number).first()
    if existing is not None:
        return existing
    amount = refundable_now(order)
    if amount <= 0:
        return None
    reason = (reason or "").strip() or "event registration ended"
    if actor is not None and policy.can(actor, "refund", order):
        return refund_create(
            order=order, amount=amount, reason=reason, actor=actor, out_refund_no=number
        )
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        amount = refundable_now(locked)
        if amount <= 0:
            return None
        return refund_open(
            order=locked,
            amount=amount,
            reason=reason,
            actor=None,
            out_refund_no=number,
            submit_after_commit=True,
        )
