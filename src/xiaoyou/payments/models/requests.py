"""收款项目: an amount the association collects from alumni through a hall link (e.g. 会费
membership fees). The simplest payable: each payment is a PaymentOrder pointing at it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class PaymentRequest(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    amount = models.PositiveBigIntegerField(_("amount (fen)"))
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open for payment"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
