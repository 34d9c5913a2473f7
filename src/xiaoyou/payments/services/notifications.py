"""The notify endpoint's logic: verify, log, apply, reply.

Every call writes one NotificationLog row (applied, duplicate or rejected with the reason),
committed separately from the state change so a refused or failing message is still on record.
Verification of signature and merchant/app ids is the adapter's (`parse_notification`); the
amount, currency and number are checked against the locked order by settlement.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import transaction
from django.http import HttpResponse

from xiaoyou.payments.models import (
    NotificationLog,
    NotificationOutcome,
    PaymentOrder,
    PaymentRefund,
)
from xiaoyou.payments.providers.base import (
    InvalidNotification,
    ParsedNotification,
    PaymentState,
    ProviderError,
    available_providers,
    get_provider,
)
from xiaoyou.payments.services import settlement
from xiaoyou.payments.services.refunds import RefundMismatch, refund_state_apply

logger = logging.getLogger(__name__)


def _log(
    *,
    provider: str,
    kind: str,
    outcome: str,
    body: bytes,
    remote_addr: str | None,
    order: PaymentOrder | None = None,
    out_trade_no: str = "",
    reason: str = "",
) -> NotificationLog:
    return NotificationLog.objects.create(
        provider=provider[:16],
        kind=kind,
        order=order,
        out_trade_no=(out_trade_no or (order.out_trade_no if order else ""))[:64],
        outcome=outcome,
        reason=reason[:200],
        body_sha256=hashlib.sha256(body).hexdigest(),
        remote_addr=remote_addr or None,
    )


def notification_receive(
    *, provider: str, headers: dict[str, str], body: bytes, remote_addr: str | None = None
) -> HttpResponse:
    """Handles one provider notification and returns the reply the provider expects.

    Rules: an unverifiable message (InvalidNotification) is rejected and logged, nothing else;
    a verified message for an unknown order, or with the wrong amount or currency, is rejected
    and logged, the ledger unchanged; a replay is logged as a duplicate and acknowledged; a late
    payment (order closed) is applied, flagged and refunded (see settlement).
    """
    if provider not in available_providers():
        _log(
            provider=provider,
            kind="payment",
            outcome=NotificationOutcome.REJECTED,
            body=body,
            remote_addr=remote_addr,
            reason="provider not enabled",
        )
        return HttpResponse(status=404)
    adapter = get_provider(provider)
    try:
        parsed = adapter.parse_notification(headers=headers, body=body)
    except InvalidNotification as exc:
        logger.warning("payments: %s notification refused: %s", provider, exc)
        _log(
            provider=provider,
            kind="payment",
            outcome=NotificationOutcome.REJECTED,
            body=body,
            remote_addr=remote_addr,
            reason=f"invalid: {exc}",
        )
        return adapter.notification_reply(accepted=False)
    if parsed.kind == "refund":
        accepted = _refund(provider, parsed, body, remote_addr)
    else:
        accepted = _payment(provider, parsed, body, remote_addr)
    return adapter.notification_reply(accepted=accepted)


def _payment(
    provider: str, parsed: ParsedNotification, body: bytes, remote_addr: str | None
) -> bool:
    state = parsed.payment
    number = state.out_trade_no if state else ""
    order = PaymentOrder.objects.filter(out_trade_no=number).order_by().first() if number else None
    log: dict[str, Any] = {
        "provider": provider,
        "kind": "payment",
        "body": body,
        "remote_addr": remote_addr,
    }
    if state is None or order is None:
        _log(
            **log, outcome=NotificationOutcome.REJECTED, out_trade_no=number, reason="unknown order"
        )
        return False
    try:
        if settlement.payment_is_replay(order=order, state=state):
            # Nothing to change: only the log row is written (the shortest write lock).
            _log_outcome(log, settlement.DUPLICATE, order, state)
            return True
        # The log row commits with the state change: one write transaction per notification.
        with transaction.atomic():
            outcome = settlement.payment_state_settle(
                order=order, state=state, source="notification", provider=provider
            )
            _log_outcome(log, outcome, order, state)
    except settlement.PaymentMismatch as exc:
        logger.error("payments: %s notification for %s refused: %s", provider, number, exc)
        _log(**log, outcome=NotificationOutcome.REJECTED, order=order, reason=str(exc))
        return False
    except ProviderError as exc:  # the late payment's refund could not be prepared
        logger.error("payments: %s notification for %s failed: %s", provider, number, exc)
        _log(**log, outcome=NotificationOutcome.REJECTED, order=order, reason=f"error: {exc}")
        return False
    return True


def _log_outcome(
    log: dict[str, Any], outcome: str, order: PaymentOrder, state: PaymentState
) -> None:
    if outcome == settlement.LATE:
        _log(
            **log,
            outcome=NotificationOutcome.APPLIED,
            order=order,
            reason="late payment after close: refund requested",
        )
    elif outcome == settlement.DOUBLE:
        _log(
            **log,
            outcome=NotificationOutcome.DUPLICATE,
            order=order,
            reason=f"second payment {state.provider_trade_no}: flagged for staff",
        )
    elif outcome == settlement.APPLIED:
        _log(**log, outcome=NotificationOutcome.APPLIED, order=order, reason=state.state)
    else:
        _log(**log, outcome=NotificationOutcome.DUPLICATE, order=order, reason=state.state)


def _refund(
    provider: str, parsed: ParsedNotification, body: bytes, remote_addr: str | None
) -> bool:
    state = parsed.refund
    number = state.out_refund_no if state else ""
    refund = (
        PaymentRefund.objects.select_related("order").filter(out_refund_no=number).first()
        if number
        else None
    )
    log: dict[str, Any] = {
        "provider": provider,
        "kind": "refund",
        "body": body,
        "remote_addr": remote_addr,
    }
    if state is None or refund is None:
        _log(**log, outcome=NotificationOutcome.REJECTED, reason=f"unknown refund {number}")
        return False
    order = refund.order
    if state.out_trade_no and state.out_trade_no != order.out_trade_no:
        _log(**log, outcome=NotificationOutcome.REJECTED, order=order, reason="order mismatch")
        return False
    try:
        changed = refund_state_apply(refund=refund, state=state, source="notification")
    except RefundMismatch as exc:
        _log(**log, outcome=NotificationOutcome.REJECTED, order=order, reason=str(exc))
        return False
    outcome = NotificationOutcome.APPLIED if changed else NotificationOutcome.DUPLICATE
    _log(**log, outcome=outcome, order=order, reason=f"refund {number} {state.state}")
    return True
