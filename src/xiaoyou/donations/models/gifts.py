"""捐赠: one gift to a project, paid through the payments app, and monthly pledges (月捐)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.donations.models.projects import DonationProject


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")  # wholly; a partial refund stays PAID
    CANCELLED = "cancelled", _("Not paid")


class Donation(TimeStampedModel):
    project = models.ForeignKey(
        DonationProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    donor_name = models.CharField(_("donor"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    class_label = models.CharField(_("class"), max_length=60, blank=True)  # 2005级 计算机系
    # The donor's graduation year when known (from the alumni record, else the form): giving
    # statistics by class year and the giving-day leaderboard read it.
    class_year = models.PositiveSmallIntegerField(_("class year"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=200, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    wants_receipt = models.BooleanField(_("receipt requested"), default=False)
    amount = models.PositiveIntegerField(_("amount (fen)"))
    refunded_amount = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DonationStatus.choices,
        default=DonationStatus.PENDING,
        db_index=True,
    )
    payment = models.ForeignKey(
        "payments.PaymentOrder",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    # 捐赠证书: numbered once paid, JZ2026-000001 per year.
    certificate_number = models.CharField(
        _("certificate number"), max_length=24, unique=True, null=True, blank=True
    )
    # True for the donor's first paid gift to the platform (first-time vs repeat donors).
    is_first_gift = models.BooleanField(default=False)
    pledge = models.ForeignKey(
        "donations.Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The thank-you is sent once (claimed by conditional UPDATE), whatever the retries.
    thanked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status", "-paid_at"], name="donations_wall"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.donor_name}"

    @property
    def net_amount(self) -> int:
        return self.amount - self.refunded_amount if self.status != DonationStatus.PENDING else 0

    @property
    def display_name(self) -> str:
        return str(_("Anonymous alumnus")) if self.is_anonymous else self.donor_name


class PledgeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")  # the donor paused it: not billed until resumed
    CANCELLED = "cancelled", _("Cancelled")


class Pledge(TimeStampedModel):
    """月捐: a monthly pledge. Each month a gift waiting for payment is created and the donor is
    reminded with a one-tap pay link (automatic debit needs a signed withholding contract with
    the payment provider, which this platform does not hold)."""

    project = models.ForeignKey(DonationProject, on_delete=models.PROTECT, related_name="pledges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="donation_pledges"
    )
    amount = models.PositiveIntegerField(_("amount per month (fen)"))
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.ACTIVE
    )
    last_period = models.CharField(max_length=7, blank=True)  # "2026-11": last month billed
    donor_name = models.CharField(_("donor"), max_length=60)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)

    class Meta:
        verbose_name = _("monthly pledge")
        verbose_name_plural = _("monthly pledges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.amount}"
