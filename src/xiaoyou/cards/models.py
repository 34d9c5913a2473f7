"""The alumni cloud card (校友云卡): the card programme of an association, the cards it issues,
partner institutions (授权合作机构) with their authorization QR, scan records (扫码记录) and
vouchers (电子券) redeemed at partners."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


def _partner_secret() -> str:
    return secrets.token_urlsafe(18)


class Eligibility(models.TextChoices):
    """Who may hold the card."""

    VERIFIED_MEMBERS = "verified_members", _("Verified alumni who are members of the association")
    VERIFIED_ALUMNI = "verified_alumni", _("All verified alumni")


class CardProgram(TimeStampedModel):
    """云卡设置: one card programme per association (normally the main association)."""

    org = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="card_program",
    )
    name = models.CharField(_("card name"), max_length=60)
    logo = models.ImageField(_("logo"), upload_to="cards/logos/", blank=True)
    brand_color = models.CharField(_("brand color"), max_length=7, default="#C8102E")
    terms = models.TextField(_("terms of use"), blank=True)
    eligibility = models.CharField(
        _("eligibility"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.VERIFIED_MEMBERS,
    )
    number_prefix = models.CharField(_("card number prefix"), max_length=8, default="XY")
    is_active = models.BooleanField(_("open for claims"), default=True)
    # 重点校友提醒: who is told when a key alumnus scans (empty: the association's admins).
    alert_recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("key-alumni alert recipients"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cloud card settings")
        verbose_name_plural = _("cloud card settings")

    def __str__(self) -> str:
        return self.name


class Card(TimeStampedModel):
    """一张校友云卡: one per alumnus and programme; revoked cards keep their number."""

    program = models.ForeignKey(
        CardProgram,
        verbose_name=_("card programme"),
        on_delete=models.CASCADE,
        related_name="cards",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="alumni_cards",
    )
    record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("alumni record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.CharField(_("card number"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cloud card")
        verbose_name_plural = _("cloud cards")
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="cards_card_one_per_user")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Partner(TimeStampedModel):
    """授权合作机构: a hotel, canteen, car park or shop giving benefits to card holders.

    Its staff work in `community`, an organization of the partner type; `secret` is what the
    authorization QR on its counter encodes (a new secret invalidates printed codes)."""

    program = models.ForeignKey(
        CardProgram,
        verbose_name=_("card programme"),
        on_delete=models.CASCADE,
        related_name="partners",
    )
    community = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("partner community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_partners",
    )
    name = models.CharField(_("name"), max_length=100)
    logo = models.ImageField(_("logo"), upload_to="cards/partners/", blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    benefit = models.CharField(_("benefit"), max_length=120)  # e.g. 客房七折
    benefit_details = models.TextField(_("benefit details"), blank=True)
    secret = models.CharField(max_length=40, unique=True, default=_partner_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class ScanResult(models.TextChoices):
    SHOWN = "shown", _("Benefit shown")
    REDEEMED = "redeemed", _("Voucher redeemed")
    ANONYMOUS = "anonymous", _("Not signed in")
    NOT_ELIGIBLE = "not_eligible", _("Not a verified card holder")


class ScanRecord(models.Model):
    """扫码记录: someone opened a partner's authorization QR (kept, never edited)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="scans"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    card = models.ForeignKey(
        Card,
        verbose_name=_("card"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scans",
    )
    holder_name = models.CharField(_("name"), max_length=60, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=ScanResult.choices)
    is_key_alumnus = models.BooleanField(_("key alumnus"), default=False)
    created_at = models.DateTimeField(_("scanned at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("scan record")
        verbose_name_plural = _("scan records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner} {self.holder_name or '-'} {self.created_at:%Y-%m-%d %H:%M}"


class VoucherKind(models.TextChoices):
    MEAL = "meal", _("Meal")  # 餐券
    PARKING = "parking", _("Parking")  # 停车券
    DISCOUNT = "discount", _("Discount")  # 折扣券
    CUSTOM = "custom", _("Custom")


class VoucherType(TimeStampedModel):
    """电子券类型: what a voucher is worth, where it is used and for how long."""

    program = models.ForeignKey(
        CardProgram,
        verbose_name=_("card programme"),
        on_delete=models.CASCADE,
        related_name="voucher_types",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="voucher_types"
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=VoucherKind.choices)
    value = models.CharField(_("value"), max_length=60)  # 面值, as shown: 午餐一份, 30元, 8折
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    valid_days = models.PositiveSmallIntegerField(
        _("valid for days after issue"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # 申请发放: card holders may apply for one; each application goes to the review queue.
    is_open_to_applications = models.BooleanField(_("alumni may apply"), default=False)

    class Meta:
        verbose_name = _("voucher type")
        verbose_name_plural = _("voucher types")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name


class VoucherRule(TimeStampedModel):
    """发券规则: a voucher of `voucher_type` for everyone checked in at `event`."""

    voucher_type = models.ForeignKey(
        VoucherType, verbose_name=_("voucher type"), on_delete=models.CASCADE, related_name="rules"
    )
    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("voucher rule")
        verbose_name_plural = _("voucher rules")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher_type", "event"], name="cards_rule_one_per_event_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_type} / {self.event_id}"


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")


class VoucherSource(models.TextChoices):
    RULE = "rule", _("Check-in rule")
    STAFF = "staff", _("Assigned by staff")
    APPLICATION = "application", _("Application approved")


class Voucher(TimeStampedModel):
    """电子券: used once at the type's partner; redemption is a conditional UPDATE."""

    voucher_type = models.ForeignKey(
        VoucherType,
        verbose_name=_("voucher type"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="card_vouchers",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    source = models.CharField(_("source"), max_length=16, choices=VoucherSource.choices)
    rule = models.ForeignKey(
        VoucherRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="vouchers"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)
    redeemed_scan = models.ForeignKey(
        ScanRecord,
        verbose_name=_("redeemed by scan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vouchers",
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-pk"]
        constraints = [
            # The check-in hook may run twice (retries, offline sync): one voucher per rule.
            models.UniqueConstraint(
                fields=["rule", "user"],
                condition=models.Q(rule__isnull=False),
                name="cards_voucher_once_per_rule",
            )
        ]
        indexes = [models.Index(fields=["user", "status"], name="cards_voucher_user_status")]

    def __str__(self) -> str:
        return f"{self.voucher_type} #{self.pk}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class VoucherApplication(TimeStampedModel):
    """申请电子券: a card holder asks for a voucher; decided in the core review queue."""

    voucher_type = models.ForeignKey(
        VoucherType,
        verbose_name=_("voucher type"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("voucher application")
        verbose_name_plural = _("voucher applications")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher_type", "user"], name="cards_application_once_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_type} / {self.user}"
