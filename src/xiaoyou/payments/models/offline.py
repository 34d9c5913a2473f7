"""线下支付: a bank transfer or cash payment recorded by staff with evidence, through review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.payments.models.orders import PaymentOrder


class OfflineMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")


class OfflineEvidence(TimeStampedModel):
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="offline")
    method = models.CharField(_("method"), max_length=16, choices=OfflineMethod.choices)
    amount = models.PositiveBigIntegerField(_("amount (fen)"))
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    payer_name = models.CharField(_("payer"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    evidence = models.FileField(_("evidence"), upload_to="payments/offline/", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("offline payment")
        verbose_name_plural = _("offline payments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.method} {self.amount}"
