"""Messaging models: email (邮件管理).

- `EmailTemplate` (邮件素材): an organization's editable template, html and plain text, with
  personalization variables ({{ name }}, {{ class_year }}, {{ org }}, ...).
- `EmailCampaign` (邮件群发): subject and bodies copied from a template, an audience, a schedule
  and a status; the background job that sends it.
- `EmailMessage` (发送记录): one row per recipient, claimed by a sender with a lease
  (`UPDATE ... WHERE status='queued'`), marked sent only after the SMTP server accepted it, then
  annotated by tracking (opens, clicks), bounces, complaints and unsubscribes.
- `Suppression`: addresses never mailed again (unsubscribed, hard bounce, complaint, by hand).
- `EmailEvent`: what happened to a message after it left (open, click, bounce, ...), a log.
- `EmailProviderEvent`: each mail provider's tracking webhook event applied, by its id, so a
  webhook delivered twice changes nothing the second time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel

__all__ = [
    "BounceKind",
    "CampaignStatus",
    "EmailCampaign",
    "EmailEvent",
    "EmailEventKind",
    "EmailMessage",
    "EmailMessageStatus",
    "EmailProviderEvent",
    "EmailTemplate",
    "EmailTemplateKind",
    "Suppression",
    "SuppressionReason",
]


class EmailTemplateKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday greeting")
    NEWSLETTER = "newsletter", _("Newsletter")
    INVITATION = "invitation", _("Event invitation")
    THANKS = "thanks", _("Donation thanks")
    CUSTOM = "custom", _("Custom")


class EmailTemplate(TimeStampedModel):
    """邮件素材: a reusable subject and body; campaigns copy it, so editing it later changes no
    campaign already written."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="email_templates",
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=EmailTemplateKind.choices, default="custom"
    )
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body_html = models.TextField(_("HTML body"))
    body_text = models.TextField(_("plain-text body"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class EmailCampaign(TimeStampedModel):
    """邮件群发: one mailing to one audience."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="email_campaigns",
    )
    name = models.CharField(_("name"), max_length=100)
    template = models.ForeignKey(
        EmailTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body_html = models.TextField(_("HTML body"))
    body_text = models.TextField(_("plain-text body"), blank=True)
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    # audiences.AUDIENCE_KINDS and their parameters (saved search id, org id, event id, ...).
    audience_kind = models.CharField(_("audience"), max_length=32, blank=True)
    audience_params = models.JSONField(default=dict, blank=True)
    # Audiences whose addresses are left out (same shape: [{"kind": ..., "params": ...}]).
    exclusions = models.JSONField(default=list, blank=True)
    # Addresses of an uploaded list (kind "upload"), kept until the recipients are written.
    uploaded = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        db_index=True,
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    track_opens = models.BooleanField(_("track opens"), default=True)
    track_clicks = models.BooleanField(_("track clicks"), default=True)
    # The links of the body, frozen when sending starts: a tracked click redirects only to one.
    links = models.JSONField(default=list, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("email campaign")
        verbose_name_plural = _("email campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class EmailMessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")  # claimed by a sender until `lease_until`
    SENT = "sent", _("Sent")
    DEFERRED = "deferred", _("Deferred")  # a temporary failure: tried again at `next_attempt_at`
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")  # suppressed between queueing and sending
    CANCELLED = "cancelled", _("Cancelled")
    # Its sender stopped (a crash) after handing it to the mail server and before hearing the
    # answer: it may have gone out, so it is never sent again.
    UNKNOWN = "unknown", _("Outcome unknown")


class BounceKind(models.TextChoices):
    HARD = "hard", _("Hard bounce")
    SOFT = "soft", _("Soft bounce")


class EmailMessage(models.Model):
    """发送记录: one recipient of one campaign."""

    campaign = models.ForeignKey(EmailCampaign, on_delete=models.CASCADE, related_name="messages")
    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=100, blank=True)
    user_id = models.IntegerField(null=True, blank=True)
    record_id = models.IntegerField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EmailMessageStatus.choices,
        default=EmailMessageStatus.QUEUED,
    )
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set just before the message is handed to the mail server, under the claim.
    handed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    bounce_kind = models.CharField(
        _("bounce"), max_length=8, choices=BounceKind.choices, blank=True
    )
    bounce_status = models.CharField(max_length=16, blank=True)  # the DSN's "Status: 5.1.1"
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(_("complained at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    clicked_at = models.DateTimeField(_("first clicked at"), null=True, blank=True)
    click_count = models.PositiveIntegerField(default=0)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # Through a provider backend (anymail): the provider's id of the message and its answer
    # ("queued", "sent"), which its tracking webhooks name again.
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    provider_status = models.CharField(_("provider status"), max_length=16, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email message")
        verbose_name_plural = _("email messages")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="messaging_email_msg_status"),
            models.Index(fields=["status", "lease_until"], name="messaging_email_msg_lease"),
            models.Index(fields=["email"], name="messaging_email_msg_email"),
            models.Index(fields=["provider_message_id"], name="messaging_email_msg_provider"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"], name="messaging_email_one_message_per_address"
            )
        ]

    def __str__(self) -> str:
        return self.email


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    COMPLAINT = "complaint", _("Complaint")
    MANUAL = "manual", _("Added by staff")


class Suppression(models.Model):
    """An address that receives no campaign mail any more (lower-cased)."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.ForeignKey(
        EmailCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.email


class EmailEventKind(models.TextChoices):
    OPEN = "open", _("Opened")
    CLICK = "click", _("Clicked")
    BOUNCE = "bounce", _("Bounced")
    COMPLAINT = "complaint", _("Complained")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    DELIVERED = "delivered", _("Delivered")  # the provider reports the receiving server took it
    DEFERRED = "deferred", _("Deferred")  # the provider retries a temporary failure itself


class EmailEvent(models.Model):
    message = models.ForeignKey(EmailMessage, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EmailEventKind.choices)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class EmailProviderEvent(models.Model):
    """One tracking event of a mail provider, applied once: its key is the provider's event id
    (or a digest of the event when the provider gives none), inserted in the transaction that
    applies it."""

    provider = models.CharField(max_length=32)
    event_key = models.CharField(max_length=128)
    event_type = models.CharField(max_length=24)
    message = models.ForeignKey(
        EmailMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_key"], name="messaging_provider_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_key}"
