"""Payments models: one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.payments.models.ledger import (
    LedgerEntry,
    LedgerKind,
    NotificationLog,
    NotificationOutcome,
)
from xiaoyou.payments.models.offline import OfflineEvidence, OfflineMethod
from xiaoyou.payments.models.orders import (
    Channel,
    Currency,
    OrderStatus,
    PaymentOrder,
    Provider,
)
from xiaoyou.payments.models.reconciliation import ReconciliationReport
from xiaoyou.payments.models.refunds import PaymentRefund, RefundStatus
from xiaoyou.payments.models.requests import PaymentRequest

__all__ = [
    "Channel",
    "Currency",
    "LedgerEntry",
    "LedgerKind",
    "NotificationLog",
    "NotificationOutcome",
    "OfflineEvidence",
    "OfflineMethod",
    "OrderStatus",
    "PaymentOrder",
    "PaymentRefund",
    "PaymentRequest",
    "Provider",
    "ReconciliationReport",
    "RefundStatus",
]
