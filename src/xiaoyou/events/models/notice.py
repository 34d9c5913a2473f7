"""群发通知: a notice an event's organizer sends to (filtered) registrants, and its recipients.

Recipients are fixed when the notice is sent (the count shown is the count reached); each row is
claimed queued -> sent by a conditional UPDATE in the same transaction as its notifications, so a
retried or duplicated job never notifies anyone twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.events.models.events import Event
from xiaoyou.events.models.registrations import Registration


class EventNotice(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("title"), max_length=60)
    body = models.TextField(_("message"))
    # Channels chosen by the sender (core.models.Channel values).
    channels = models.JSONField(_("channels"), default=list)
    # The audience filter as chosen: {"statuses": [...], "ticket_type": id|None, "checked_in": ...}.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    # Texts reserved in the organization's SMS allocation (messaging quota); one no longer sent
    # is given back and no longer counted here.
    sms_debited = models.PositiveIntegerField(_("SMS messages paid"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("event notice")
        verbose_name_plural = _("event notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeRecipientStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")  # the account is inactive or gone


class EventNoticeRecipient(models.Model):
    """One registrant of a notice: the delivery record that makes sending idempotent."""

    notice = models.ForeignKey(EventNotice, on_delete=models.CASCADE, related_name="recipients")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NoticeRecipientStatus.choices,
        default=NoticeRecipientStatus.QUEUED,
    )
    # The channels the person was reached on; until then ["sms"] when a text was paid for.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "registration"], name="events_notice_once_per_registration"
            )
        ]
        indexes = [models.Index(fields=["notice", "status"], name="events_notice_recipient_todo")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.registration_id} {self.status}"
