"""支付订单: one payment of one payable object (an event registration, a donation, a shop order)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class Provider(models.TextChoices):
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    OFFLINE = "offline", _("Offline (bank transfer or cash)")


class Channel(models.TextChoices):
    # WeChat Pay v3
    JSAPI = "jsapi", _("Inside WeChat (JSAPI)")
    H5 = "h5", _("Mobile browser (H5)")
    NATIVE = "native", _("QR code on PC (Native)")
    # Alipay
    PAGE = "page", _("PC page pay")
    WAP = "wap", _("Mobile wap pay")
    # Offline
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash")


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")


class OrderStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PAYING = "paying", _("Waiting for payment")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    CLOSED = "closed", _("Closed")


class PaymentOrder(TimeStampedModel):
    """Money owed for one payable; `out_trade_no` is our number at every provider.

    Amounts are integer fen. The status only moves through services.orders / the notification
    handling, each move written to the ledger in the same transaction.
    """

    out_trade_no = models.CharField(_("order number"), max_length=32, unique=True)
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payable_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    payable_id = models.CharField(max_length=64)
    payable = GenericForeignKey("payable_type", "payable_id")
    subject = models.CharField(_("subject"), max_length=120)
    amount = models.PositiveBigIntegerField(_("amount (fen)"))
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.CREATED,
        db_index=True,
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    provider_trade_no = models.CharField(
        _("provider transaction number"), max_length=64, blank=True
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payer_account = models.CharField(
        max_length=128, blank=True
    )  # openid / buyer id at the provider
    started_at = models.DateTimeField(_("payment started"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    refunded_amount = models.PositiveBigIntegerField(_("refunded (fen)"), default=0)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    # What the payable wants to remember (e.g. the ticket type); never card data.
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payable_type", "payable_id"], name="payments_order_payable"),
            models.Index(fields=["status", "started_at"], name="payments_order_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.out_trade_no} {self.subject}"

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount if self.paid_at else 0
