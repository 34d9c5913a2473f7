"""流水: every change of an order's money state, and every notification received (kept even
when refused), append-only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.payments.models.orders import PaymentOrder
from xiaoyou.payments.models.refunds import PaymentRefund


class LedgerKind(models.TextChoices):
    CREATED = "created", _("Order created")
    STARTED = "started", _("Payment started")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    REFUNDED = "refunded", _("Refunded")
    REFUND_FAILED = "refund_failed", _("Refund failed")
    OFFLINE_RECORDED = "offline_recorded", _("Offline payment recorded")


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("The payments ledger is append-only.")

    def delete(self):  # type: ignore[override]
        raise PermissionError("The payments ledger is append-only.")


class LedgerEntry(models.Model):
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="ledger")
    refund = models.ForeignKey(
        PaymentRefund, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=20, choices=LedgerKind.choices)
    # Signed fen: + money in (paid), - money out (refunded), 0 for state-only entries.
    amount = models.BigIntegerField(_("amount (fen)"), default=0)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=16)  # notification | query | staff | system
    provider_reference = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.amount}"


class NotificationOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    DUPLICATE = "duplicate", _("Duplicate (already applied)")
    REJECTED = "rejected", _("Rejected")


class NotificationLog(models.Model):
    """One notification as received: verified or not, what it did, why it was refused."""

    provider = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, default="payment")  # payment | refund
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    out_trade_no = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=NotificationOutcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.out_trade_no} {self.outcome}"
