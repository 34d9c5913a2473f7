"""Settlement: apply a provider's view of an order (from a notification, a query or staff).

Rules, in this order, under a row lock on the order:
- the message must name this order (out_trade_no), in its currency, for its exact amount; if
  not, `PaymentMismatch` is raised and nothing changes (the caller logs it);
- an open order becomes paid once: one PAID ledger entry however often the news comes;
- news of a payment for an order already paid with the same transaction is a duplicate
  (nothing changes); with another transaction number it is a double payment, flagged on the
  order and logged for staff (nothing automatic: which payment to return is staff's call);
- a payment for a closed order (the money arrived after we gave up) is a late payment: the
  order is marked paid (the ledger must show the money that came in), flagged, and a full
  refund is requested automatically (audited, source "system"); the payable's on_paid is not
  called because its purpose lapsed when the order closed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.core import audit
from xiaoyou.payments.models import (
    LedgerKind,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    Provider,
)
from xiaoyou.payments.payables import PAID, callback_after_commit
from xiaoyou.payments.providers.base import PaymentState, ProviderError, get_provider
from xiaoyou.payments.services.orders import OPEN_STATUSES, PAID_STATUSES, ledger_write
from xiaoyou.payments.services.receipts import receipt_number_assign

logger = logging.getLogger(__name__)

APPLIED = "applied"
DUPLICATE = "duplicate"
LATE = "late"
DOUBLE = "double"
IGNORED = "ignored"


class PaymentMismatch(Exception):
    """The provider's message does not match the order (number, amount, currency)."""


def _check(order: PaymentOrder, state: PaymentState) -> None:
    if state.out_trade_no != order.out_trade_no:
        raise PaymentMismatch(f"out_trade_no {state.out_trade_no!r} is not {order.out_trade_no}")
    if state.state != "paid":
        return
    if (state.currency or "CNY") != order.currency:
        raise PaymentMismatch(f"currency {state.currency} is not {order.currency}")
    if state.amount != order.amount:
        raise PaymentMismatch(f"amount {state.amount} is not {order.amount}")


def payment_state_settle(
    *, order: PaymentOrder, state: PaymentState, source: str, provider: str = ""
) -> str:
    """Like payment_state_apply, but says what happened: applied, duplicate, late, double,
    ignored (raises PaymentMismatch)."""
    if payment_is_replay(order=PaymentOrder.objects.get(pk=order.pk), state=state):
        return DUPLICATE
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        _check(locked, state)
        provider = provider or locked.provider
        if state.state == "closed" and locked.status in OPEN_STATUSES and source != "staff":
            outcome = _close_from_provider(locked, state, source)
        elif state.state != "paid":
            outcome = IGNORED
        elif locked.status in OPEN_STATUSES:
            _mark_paid(locked, state, source, provider)
            callback_after_commit(locked.pk, PAID)
            outcome = APPLIED
        elif locked.status == OrderStatus.CLOSED:
            _mark_paid(locked, state, source, provider, late=True)
            _late_refund(locked)
            outcome = LATE
        elif state.provider_trade_no in ("", locked.provider_trade_no):
            outcome = DUPLICATE
        else:
            _flag_double(locked, state, provider)
            outcome = DOUBLE
    for name in ("status", "provider", "channel", "paid_at", "provider_trade_no", "closed_at"):
        setattr(order, name, getattr(locked, name))
    order.metadata = locked.metadata
    order.receipt_number = locked.receipt_number
    return outcome


def payment_is_replay(*, order: PaymentOrder, state: PaymentState) -> bool:
    """True when `state` repeats the payment `order` (freshly read) was paid with.

    Replays are most of the notification traffic: a paid order never becomes payable again,
    so they are answered from a plain read, without a write lock. The message is still
    checked against the order (raises PaymentMismatch).
    """
    if state.state != "paid" or not state.provider_trade_no:
        return False
    if order.status not in PAID_STATUSES or order.provider_trade_no != state.provider_trade_no:
        return False
    _check(order, state)
    return True


def payment_state_apply(*, order: PaymentOrder, state: PaymentState, source: str) -> bool:
    """Applies the provider's state to the order; True when the order changed.

    Verifies out_trade_no, currency and amount against the locked order first (raises
    PaymentMismatch, nothing written); idempotent: a replay changes nothing.
    `source`: "notification" | "query" | "staff" | "system".
    """
    return payment_state_settle(order=order, state=state, source=source) in (APPLIED, LATE)


def _mark_paid(
    order: PaymentOrder, state: PaymentState, source: str, provider: str, *, late: bool = False
) -> None:
    before = order.status
    order.status = OrderStatus.PAID
    order.paid_at = state.paid_at or timezone.now()
    order.provider = provider or order.provider
    order.provider_trade_no = state.provider_trade_no[:64]
    order.payer_account = state.payer_account[:128]
    fields = ["status", "paid_at", "provider", "provider_trade_no", "payer_account", "updated_at"]
    if late:
        order.metadata = {
            **order.metadata,
            "late_payment": {"closed_at": order.closed_at.isoformat() if order.closed_at else ""},
        }
        fields.append("metadata")
    order.save(update_fields=fields)
    # The receipt's number (XY<year>-<sequence>), in the same transaction as the payment.
    receipt_number_assign(order=order)
    ledger_write(
        order=order,
        kind=LedgerKind.PAID,
        source=source,
        status_before=before,
        amount=order.amount,
        provider_reference=state.provider_trade_no,
        details={"provider": order.provider, "late": late, **_safe(state.raw)},
    )


def _safe(raw: dict[str, Any]) -> dict[str, Any]:
    return {"raw": raw} if raw else {}


def _late_refund(order: PaymentOrder) -> PaymentRefund:
    from xiaoyou.payments.services.refunds import refund_open

    logger.warning("payments: late payment of closed order %s; refunding", order.out_trade_no)
    refund = refund_open(
        order=order,
        amount=order.amount,
        reason=gettext("Automatic refund: paid after the order was closed"),
        actor=None,
        submit_after_commit=True,
    )
    audit.record(
        actor=None,
        action="payments.order.late_payment",
        obj=order,
        changes={"status": [OrderStatus.CLOSED.value, order.status], "refund": [None, refund.pk]},
    )
    return refund


def _flag_double(order: PaymentOrder, state: PaymentState, provider: str) -> None:
    logger.error(
        "payments: second payment %s for order %s (paid as %s)",
        state.provider_trade_no,
        order.out_trade_no,
        order.provider_trade_no,
    )
    seen = list(order.metadata.get("double_payments", []))
    if any(entry.get("provider_trade_no") == state.provider_trade_no for entry in seen):
        return
    seen.append({"provider": provider, "provider_trade_no": state.provider_trade_no})
    order.metadata = {**order.metadata, "double_payments": seen}
    order.save(update_fields=["metadata", "updated_at"])
    audit.record(
        actor=None,
        action="payments.order.double_payment",
        obj=order,
        changes={"double_payments": [None, state.provider_trade_no]},
    )


def _close_from_provider(order: PaymentOrder, state: PaymentState, source: str) -> str:
    before = order.status
    order.status = OrderStatus.CLOSED
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    ledger_write(
        order=order,
        kind=LedgerKind.CLOSED,
        source=source,
        status_before=before,
        details={"reason": "closed at the provider"},
    )
    return APPLIED


def order_sync(*, order: PaymentOrder) -> PaymentOrder:
    """Asks the provider for the order's state and applies it (source "query").

    A mismatching answer is logged and changes nothing; a provider error propagates.
    """
    if not order.provider or order.provider == Provider.OFFLINE:
        return order
    state = get_provider(order.provider).query(order)
    try:
        payment_state_settle(order=order, state=state, source="query", provider=order.provider)
    except PaymentMismatch as exc:
        logger.error("payments: query of %s does not match: %s", order.out_trade_no, exc)
    order.refresh_from_db()
    return order


def pending_orders_settle() -> int:
    """Periodic: orders waiting for payment longer than PAYMENTS_PENDING_QUERY_MINUTES (no
    notification came) are queried and settled. Returns how many changed."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.PAYMENTS_PENDING_QUERY_MINUTES)
    pending = PaymentOrder.objects.filter(
        status=OrderStatus.PAYING, started_at__lte=cutoff
    ).exclude(provider__in=["", Provider.OFFLINE])
    changed = 0
    for order in pending.order_by("started_at")[:500]:
        try:
            if order_sync(order=order).status != OrderStatus.PAYING:
                changed += 1
        except ProviderError as exc:
            logger.warning("payments: query of %s failed: %s", order.out_trade_no, exc)
    return changed


def expired_orders_close() -> int:
    """Periodic: open orders past `expires_at` are synced, then closed (at the provider too).
    Offline orders waiting for review are left to staff. Returns how many closed."""
    from xiaoyou.payments.services.orders import order_close

    expired = PaymentOrder.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=timezone.now())
    closed = 0
    for order in expired.exclude(provider=Provider.OFFLINE).order_by("expires_at")[:500]:
        try:
            if order_close(order=order).status == OrderStatus.CLOSED:
                closed += 1
        except ProviderError as exc:
            logger.warning("payments: closing %s failed: %s", order.out_trade_no, exc)
    return closed


__all__ = [
    "PAID_STATUSES",
    "PaymentMismatch",
    "expired_orders_close",
    "order_sync",
    "payment_state_apply",
    "payment_state_settle",
    "pending_orders_settle",
]
