"""Orders: create one for a payable, start paying it with a provider and channel, close it.

Every state change is written to the ledger in the same transaction. Calls to a provider are
made outside any transaction (a slow gateway never holds a row lock, and on SQLite never holds
the database's write lock); the state is then re-checked under `select_for_update`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments import errors
from xiaoyou.payments.models import LedgerEntry, LedgerKind, OrderStatus, PaymentOrder, Provider
from xiaoyou.payments.payables import payable_for
from xiaoyou.payments.providers.base import (
    ProviderError,
    StartContext,
    StartResult,
    available_providers,
    get_provider,
)

logger = logging.getLogger(__name__)

OPEN_STATUSES = (OrderStatus.CREATED, OrderStatus.PAYING)
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)
# A bank transfer takes days: an order paid offline waits this long before it expires.
OFFLINE_EXPIRY = dt.timedelta(days=30)


def out_trade_no_new() -> str:
    """32 characters: "XY", the time (UTC, to the second) and 72 random bits.

    The random part makes the number a capability: the pay page of an order without a payer
    (an anonymous donation) opens for whoever holds the link, and nobody can guess one.
    """
    return "XY" + timezone.now().strftime("%y%m%d%H%M%S") + secrets.token_hex(9)


def ledger_write(
    *,
    order: PaymentOrder,
    kind: str,
    source: str,
    status_before: str = "",
    amount: int = 0,
    refund: Any = None,
    provider_reference: str = "",
    details: dict[str, Any] | None = None,
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        order=order,
        refund=refund,
        kind=kind,
        amount=amount,
        status_before=status_before,
        status_after=order.status,
        source=source,
        provider_reference=provider_reference[:64],
        details=details or {},
    )


def notify_url_for(provider: str, *, base_url: str = "") -> str:
    """The notify_url given to the provider: PAYMENTS_NOTIFY_BASE_URL, else `base_url` (the
    request's scheme and host, e.g. request.build_absolute_uri("/")), + /payments/notify/<p>/."""
    base = (settings.PAYMENTS_NOTIFY_BASE_URL or base_url).rstrip("/")
    return base + reverse("payments:notify", kwargs={"provider": provider})


@transaction.atomic
def order_create(
    *,
    payable: Model,
    amount: int,
    subject: str,
    org: Any,
    payer: Any = None,
    metadata: dict[str, Any] | None = None,
    actor: Any = None,
) -> PaymentOrder:
    """A new order of `amount` fen for `payable` (a registered payable model).

    Rule: the amount is a positive integer number of fen; the order expires after
    PAYMENTS_ORDER_TIMEOUT_MINUTES unless paid (offline payments extend it when started).
    """
    payable_for(type(payable))  # LookupError for an unregistered model: a programming error
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ApplicationError(errors.AMOUNT_INVALID)
    now = timezone.now()
    order = PaymentOrder.objects.create(
        out_trade_no=out_trade_no_new(),
        org=org,
        payable_type=ContentType.objects.get_for_model(payable),
        payable_id=str(payable.pk),
        subject=subject[:120],
        amount=amount,
        payer=payer if getattr(payer, "is_authenticated", False) else None,
        expires_at=now + dt.timedelta(minutes=settings.PAYMENTS_ORDER_TIMEOUT_MINUTES),
        metadata=metadata or {},
    )
    ledger_write(
        order=order,
        kind=LedgerKind.CREATED,
        source="staff" if actor is not None and actor != payer else "system",
        details={"amount": amount},
    )
    return order


def payment_start(
    *, order: PaymentOrder, provider: str, channel: str, context: StartContext
) -> StartResult:
    """Starts paying `order` with `provider` and `channel`; returns what the browser needs.

    Rule: only an open (created or waiting), unexpired order can be started; the provider must
    be enabled and support the channel. Starting again (another channel or provider) is allowed
    while the order is open; a previous online provider's payment is closed first (best effort)
    so the payer cannot pay twice. The provider is called outside the transaction.
    """
    if provider not in available_providers():
        raise ApplicationError(errors.PROVIDER_UNAVAILABLE)
    adapter = get_provider(provider)
    if channel not in adapter.channels:
        raise ApplicationError(errors.CHANNEL_UNSUPPORTED)
    order.refresh_from_db()
    now = timezone.now()
    if order.status not in OPEN_STATUSES or (order.expires_at and order.expires_at <= now):
        raise ApplicationError(errors.ORDER_NOT_PAYABLE, status=409)
    if order.provider and order.provider not in (provider, Provider.OFFLINE):
        try:
            get_provider(order.provider).close(order)
        except ProviderError as exc:
            logger.warning("payments: closing %s at %s failed: %s", order, order.provider, exc)
    if not context.notify_url:
        context = dataclasses.replace(context, notify_url=notify_url_for(provider))
    try:
        result = adapter.start(order, channel=channel, context=context)
    except ProviderError as exc:
        logger.warning("payments: start %s with %s failed: %s", order, provider, exc)
        raise ApplicationError(errors.PROVIDER_FAILED, status=502) from exc
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status not in OPEN_STATUSES:
            raise ApplicationError(errors.ORDER_NOT_PAYABLE, status=409)
        before = locked.status
        locked.status = OrderStatus.PAYING
        locked.provider = provider
        locked.channel = channel
        locked.started_at = now
        fields = ["status", "provider", "channel", "started_at", "updated_at"]
        if provider == Provider.OFFLINE:
            locked.expires_at = max(locked.expires_at or now, now + OFFLINE_EXPIRY)
            fields.append("expires_at")
        locked.save(update_fields=fields)
        ledger_write(
            order=locked,
            kind=LedgerKind.STARTED,
            source="system",
            status_before=before,
            provider_reference=result.provider_reference,
            details={"provider": provider, "channel": channel},
        )
    for name in ("status", "provider", "channel", "started_at", "expires_at"):
        setattr(order, name, getattr(locked, name))
    return result


def order_close(*, order: PaymentOrder, actor: Any = None, reason: str = "") -> PaymentOrder:
    """Closes an unpaid order (staff: org admins, audited; the system: expiry).

    Rule: a paid order is never closed. The provider's payment is closed first; when the
    provider refuses because it was paid meanwhile, the payment is applied instead and the
    order stays paid. Closing a closed order changes nothing.
    """
    if actor is not None:
        policy.require(actor, "close", order)
    order.refresh_from_db()
    if order.status not in OPEN_STATUSES:
        return order
    if order.provider and order.provider != Provider.OFFLINE:
        adapter = get_provider(order.provider)
        try:
            adapter.close(order)
        except ProviderError as exc:
            from xiaoyou.payments.services.settlement import order_sync

            logger.info("payments: close %s refused (%s); querying", order, exc)
            synced = order_sync(order=order)
            if synced.status not in OPEN_STATUSES:
                return synced
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status not in OPEN_STATUSES:
            return locked
        before = locked.status
        locked.status = OrderStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        ledger_write(
            order=locked,
            kind=LedgerKind.CLOSED,
            source="staff" if actor is not None else "system",
            status_before=before,
            details={"reason": reason[:200]} if reason else {},
        )
        if actor is not None:
            audit.record(
                actor=actor,
                action="payments.order.close",
                obj=locked,
                changes={"status": [before, locked.status], "reason": [None, reason]},
            )
    return locked
