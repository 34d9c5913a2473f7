"""Refunds (退款): full or partial, never more than was paid, idempotent by out_refund_no.

A refund is first written (PENDING, a REFUND_REQUESTED ledger entry, audited) in one
transaction with the order locked, so two staff refunding at once can never exceed the paid
amount. The provider is then asked outside the transaction. A timeout leaves the row PENDING:
calling `refund_create` again with the same `out_refund_no`, or the periodic task, re-sends
the same refund (providers deduplicate by out_refund_no), never a second one.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments import errors
from xiaoyou.payments.models import (
    LedgerKind,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    RefundStatus,
)
from xiaoyou.payments.payables import REFUNDED, callback_after_commit
from xiaoyou.payments.providers.base import ProviderError, RefundState, get_provider
from xiaoyou.payments.services.orders import PAID_STATUSES, ledger_write

logger = logging.getLogger(__name__)

OPEN_REFUND = (RefundStatus.PENDING, RefundStatus.PROCESSING)


class RefundMismatch(Exception):
    """The provider's refund message does not match the refund (number or amount)."""


def refundable_now(order: PaymentOrder) -> int:
    """What may still be refunded: paid - refunded - refunds in flight."""
    if order.status not in PAID_STATUSES:
        return 0
    in_flight = (
        PaymentRefund.objects.filter(order=order, status__in=OPEN_REFUND).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return max(order.amount - order.refunded_amount - in_flight, 0)


def refund_open(
    *,
    order: PaymentOrder,
    amount: int,
    reason: str,
    actor: Any,
    out_refund_no: str = "",
    submit_after_commit: bool = False,
) -> PaymentRefund:
    """Writes a PENDING refund of a locked order (caller holds the lock and the transaction);
    with `submit_after_commit` a task sends it to the provider once committed."""
    if order.status not in PAID_STATUSES:
        raise ApplicationError(errors.REFUND_NOT_ALLOWED, status=409)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApplicationError(errors.AMOUNT_INVALID)
    adapter = get_provider(order.provider)
    days = getattr(adapter, "max_refund_days", 0)
    if days and order.paid_at and order.paid_at + dt.timedelta(days=days) < timezone.now():
        raise ApplicationError(errors.REFUND_NOT_ALLOWED, status=409)
    if amount > refundable_now(order):
        raise ApplicationError(errors.REFUND_TOO_LARGE, status=409)
    number = out_refund_no or f"{order.out_trade_no}R{order.refunds.count() + 1}"
    refund = PaymentRefund.objects.create(
        order=order,
        out_refund_no=number,
        amount=amount,
        reason=reason[:200],
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ledger_write(
        order=order,
        kind=LedgerKind.REFUND_REQUESTED,
        source="staff" if actor is not None else "system",
        status_before=order.status,
        refund=refund,
        details={"amount": amount, "out_refund_no": number, "reason": reason[:200]},
    )
    audit.record(
        actor=actor,
        action="payments.refund.create",
        obj=refund,
        org=order.org,
        changes={"amount": [None, amount], "reason": [None, reason], "order": [None, order.pk]},
    )
    if submit_after_commit:
        transaction.on_commit(lambda: _submit_later(refund.pk))
    return refund


def _submit_later(refund_id: int) -> None:
    from xiaoyou.payments.tasks import refund_submit_task

    refund_submit_task.delay(refund_id)


def refund_create(
    *, order: PaymentOrder, amount: int, reason: str, actor: Any, out_refund_no: str = ""
) -> PaymentRefund:
    """Refunds `amount` fen of a paid order (org admins of the order's org and above).

    Rules: the cumulative refunds never exceed the paid amount; the provider's window
    (`max_refund_days`) is respected; a reason is required; with an `out_refund_no` that
    already exists for this order the same refund is sent again (a retry after a timeout),
    never a second one. The provider is asked right away; a temporary failure leaves the
    refund pending for the retry.
    """
    policy.require(actor, "refund", order)
    if not reason.strip():
        raise ApplicationError("invalid_input")
    if out_refund_no:
        existing = PaymentRefund.objects.filter(out_refund_no=out_refund_no).first()
        if existing is not None:
            if existing.order_id != order.pk or existing.amount != amount:
                raise ApplicationError("conflict", status=409)
            return refund_submit(refund=existing)
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        refund = refund_open(
            order=locked,
            amount=amount,
            reason=reason.strip(),
            actor=actor,
            out_refund_no=out_refund_no,
        )
    return refund_submit(refund=refund)


def refund_submit(*, refund: PaymentRefund) -> PaymentRefund:
    """Sends a pending refund to the provider (idempotent by out_refund_no); a processing one
    is queried instead. Terminal refunds are returned as they are."""
    refund.refresh_from_db()
    if refund.status not in OPEN_REFUND:
        return refund
    order = refund.order
    adapter = get_provider(order.provider)
    try:
        if refund.status == RefundStatus.PENDING:
            state = adapter.refund(refund)
        else:
            state = adapter.query_refund(refund)
    except ProviderError as exc:
        if exc.retryable:
            logger.warning("payments: refund %s not sent yet: %s", refund.out_refund_no, exc)
            return refund
        state = RefundState(
            out_refund_no=refund.out_refund_no,
            state="failed",
            amount=refund.amount,
            failure=(exc.code or str(exc))[:200],
        )
    try:
        refund_state_apply(refund=refund, state=state, source="api")
    except RefundMismatch as exc:
        logger.error("payments: refund answer for %s does not match: %s", refund, exc)
    refund.refresh_from_db()
    return refund


def refund_state_apply(*, refund: PaymentRefund, state: RefundState, source: str) -> bool:
    """Applies the provider's refund state; True when something changed.

    Succeeded: the order's refunded amount grows (never past the paid amount), its status
    becomes refunded or partially refunded, a REFUNDED ledger entry (negative amount) is
    written and the payable's on_refunded runs after commit. Failed: REFUND_FAILED entry.
    A finished refund never changes again (replays are no-ops).
    """
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=refund.order_id)
        locked = PaymentRefund.objects.select_for_update().get(pk=refund.pk)
        if state.out_refund_no != locked.out_refund_no:
            raise RefundMismatch(f"out_refund_no {state.out_refund_no} is not {locked}")
        if state.amount != locked.amount:
            raise RefundMismatch(f"amount {state.amount} is not {locked.amount}")
        if locked.status not in OPEN_REFUND:
            return False
        if state.state == "processing":
            if locked.status == RefundStatus.PROCESSING:
                return False
            locked.status = RefundStatus.PROCESSING
            locked.provider_refund_no = state.provider_refund_no[:64]
            locked.save(update_fields=["status", "provider_refund_no", "updated_at"])
            return True
        if state.state == "succeeded":
            _succeed(order, locked, state, source)
        elif state.state == "failed":
            locked.status = RefundStatus.FAILED
            locked.failure = state.failure[:200]
            locked.finished_at = state.finished_at or timezone.now()
            locked.save(update_fields=["status", "failure", "finished_at", "updated_at"])
            ledger_write(
                order=order,
                kind=LedgerKind.REFUND_FAILED,
                source=source,
                status_before=order.status,
                refund=locked,
                details={"failure": locked.failure},
            )
        else:
            return False
    refund.status = locked.status
    return True


def _succeed(order: PaymentOrder, refund: PaymentRefund, state: RefundState, source: str) -> None:
    if order.refunded_amount + refund.amount > order.amount:
        raise RefundMismatch(f"refund {refund} would exceed the paid amount")
    refund.status = RefundStatus.SUCCEEDED
    refund.provider_refund_no = state.provider_refund_no[:64]
    refund.finished_at = state.finished_at or timezone.now()
    refund.save(update_fields=["status", "provider_refund_no", "finished_at", "updated_at"])
    before = order.status
    order.refunded_amount += refund.amount
    order.status = (
        OrderStatus.REFUNDED
        if order.refunded_amount == order.amount
        else OrderStatus.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["refunded_amount", "status", "updated_at"])
    ledger_write(
        order=order,
        kind=LedgerKind.REFUNDED,
        source=source,
        status_before=before,
        amount=-refund.amount,
        refund=refund,
        provider_reference=state.provider_refund_no,
        details={"out_refund_no": refund.out_refund_no},
    )
    if not order.metadata.get("late_payment"):
        callback_after_commit(order.pk, REFUNDED)


def refund_sync(*, refund: PaymentRefund) -> PaymentRefund:
    """Asks the provider for the refund's state and applies it (source "query")."""
    state = get_provider(refund.order.provider).query_refund(refund)
    try:
        refund_state_apply(refund=refund, state=state, source="query")
    except RefundMismatch as exc:
        logger.error("payments: refund query for %s does not match: %s", refund, exc)
    refund.refresh_from_db()
    return refund


def pending_refunds_settle(*, minutes: int = 5) -> int:
    """Periodic: refunds still pending or processing after `minutes` are re-sent or queried."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    changed = 0
    for refund in PaymentRefund.objects.filter(status__in=OPEN_REFUND, created_at__lte=cutoff)[
        :500
    ]:
        try:
            if refund_submit(refund=refund).status not in OPEN_REFUND:
                changed += 1
        except ProviderError as exc:
            logger.warning("payments: refund %s still open: %s", refund.out_refund_no, exc)
    return changed
