"""Messaging models: sms.

短信群发 (SmsCampaign) with one SmsMessage row per recipient, the opt-out list (SmsOptOut,
"回复TD退订"), and the quota (额度): the school's annual SmsQuota, per-organization
SmsAllocation rows set by the platform admins, and SmsUsage per organization and month.

The quota counts billed segments (计费条数): what Aliyun and Tencent charge for. A text of up to
70 characters (signature included) is one segment; a longer one is sent concatenated and every
67 characters are one segment. The default annual quota is 100,000 segments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel

__all__ = [
    "SmsAllocation",
    "SmsAudienceSource",
    "SmsCampaign",
    "SmsCampaignStatus",
    "SmsMessage",
    "SmsMessageStatus",
    "SmsOptOut",
    "SmsQuota",
    "SmsUsage",
]


class SmsCampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SmsAudienceSource(models.TextChoices):
    AUDIENCE = "audience", _("Audience")
    UPLOAD = "upload", _("Uploaded phone list")


class SmsCampaign(TimeStampedModel):
    """短信群发: one text (with {variables}) sent to a list of phones by a background job."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="sms_campaigns",
    )
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(_("text"))
    # The provider's approved signature (签名), sent as 【...】 before the text.
    sign_name = models.CharField(_("signature"), max_length=30)
    # Appends the opt-out hint (回复TD退订) that marketing texts must carry.
    has_opt_out_hint = models.BooleanField(_("add the opt-out hint"), default=True)
    source = models.CharField(
        _("recipients"),
        max_length=16,
        choices=SmsAudienceSource.choices,
        default=SmsAudienceSource.AUDIENCE,
    )
    # {"kind": ..., "params": {...}} for xiaoyou.messaging.audiences, or {"phones": [...]} for an
    # uploaded list (name and phone per row).
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SmsCampaignStatus.choices,
        default=SmsCampaignStatus.DRAFT,
        db_index=True,
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Segments reserved from the quota when sending started, and those charged so far.
    reserved_segments = models.PositiveIntegerField(_("reserved segments"), default=0)
    used_segments = models.PositiveIntegerField(_("used segments"), default=0)
    quota_year = models.PositiveSmallIntegerField(null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the unspent reservation was given back (once, by whoever ends the campaign).
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS campaign")
        verbose_name_plural = _("SMS campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SmsMessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Taken by a worker (lease), not yet handed to the provider: safe to give back.
    CLAIMED = "claimed", _("Queued")
    # Being handed to the provider: a worker that dies here may or may not have sent it.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    OPTED_OUT = "opted_out", _("Opted out")
    CANCELLED = "cancelled", _("Cancelled")
    # A worker died while handing it over; never sent again, so never twice.
    UNKNOWN = "unknown", _("Unknown")


class SmsMessage(models.Model):
    """One recipient of a campaign and what became of their text."""

    campaign = models.ForeignKey(SmsCampaign, on_delete=models.CASCADE, related_name="messages")
    phone = models.CharField(_("mobile phone"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    record_id = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(_("text"))
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SmsMessageStatus.choices,
        default=SmsMessageStatus.QUEUED,
    )
    lease_owner = models.CharField(max_length=40, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=80, blank=True, db_index=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone"], name="sms_one_message_per_phone")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="sms_message_campaign_status")]

    def __str__(self) -> str:
        return self.phone


class SmsOptOut(models.Model):
    """退订: a phone that asked for no more bulk texts (replied TD, or added by staff)."""

    phone = models.CharField(_("mobile phone"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=20, blank=True)  # reply, staff
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return self.phone


class SmsQuota(TimeStampedModel):
    """年度短信额度: the school's segments for one calendar year (Asia/Shanghai)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total = models.PositiveIntegerField(_("annual quota"))
    used = models.PositiveIntegerField(_("used"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("SMS quota")
        verbose_name_plural = _("SMS quotas")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=F("used") + F("reserved")), name="sms_quota_not_overdrawn"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.used - self.reserved)


class SmsAllocation(TimeStampedModel):
    """额度分配: the part of a year's quota an organization may spend."""

    quota = models.ForeignKey(SmsQuota, on_delete=models.CASCADE, related_name="allocations")
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="sms_allocations",
    )
    allocated = models.PositiveIntegerField(_("allocated"), default=0)
    used = models.PositiveIntegerField(_("used"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("SMS allocation")
        verbose_name_plural = _("SMS allocations")
        constraints = [
            models.UniqueConstraint(fields=["quota", "org"], name="sms_one_allocation_per_org"),
            models.CheckConstraint(
                condition=Q(allocated__gte=F("used") + F("reserved")),
                name="sms_allocation_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.quota_id}"

    @property
    def remaining(self) -> int:
        return max(0, self.allocated - self.used - self.reserved)


class SmsUsage(models.Model):
    """Segments charged to an organization in one month (the usage dashboard), by what sent
    them: campaigns, birthday greetings, invitations (organizations) and event notices."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))  # the first day of the month
    campaign_segments = models.PositiveIntegerField(_("campaigns"), default=0)
    birthday_segments = models.PositiveIntegerField(_("birthday greetings"), default=0)
    invitation_segments = models.PositiveIntegerField(_("invitations"), default=0)
    notice_segments = models.PositiveIntegerField(_("event notices"), default=0)

    class Meta:
        verbose_name = _("SMS usage")
        verbose_name_plural = _("SMS usage")
        constraints = [
            models.UniqueConstraint(fields=["org", "month"], name="sms_one_usage_row_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}"

    @property
    def total(self) -> int:
        return (
            self.campaign_segments
            + self.birthday_segments
            + self.invitation_segments
            + self.notice_segments
        )
