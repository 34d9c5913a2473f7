"""对账: the ledger of one provider and day against the provider's bill, mismatches listed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class ReconciliationReport(TimeStampedModel):
    provider = models.CharField(_("provider"), max_length=16)
    day = models.DateField(_("day"))
    ledger_count = models.PositiveIntegerField(default=0)
    ledger_amount = models.BigIntegerField(default=0)  # net fen: payments - refunds
    provider_count = models.PositiveIntegerField(default=0)
    provider_amount = models.BigIntegerField(default=0)
    # [{"out_trade_no": ..., "kind": "missing_in_ledger|missing_at_provider|amount", ...}]
    mismatches = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("reconciliation report")
        verbose_name_plural = _("reconciliation reports")
        ordering = ["-day", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "day"], name="payments_reconcile_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"

    @property
    def is_balanced(self) -> bool:
        return not self.mismatches
