"""Messaging models: birthdays.

生日祝福: an organization's setting (on or off, channels, templates, the time of day in
Asia/Shanghai) and the log of greetings, one row per alumni record and local date at most
(the unique constraint is what makes "never twice a day" hold across runs and workers).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel

__all__ = [
    "BirthdayCalendar",
    "BirthdayChannel",
    "BirthdayGreeting",
    "BirthdayGreetingStatus",
    "BirthdaySetting",
]


class BirthdayChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    # A WeChat template message when the person follows the official account, else the
    # in-app inbox (core.notifications decides).
    WECHAT = "wechat", _("WeChat")


class BirthdaySetting(TimeStampedModel):
    """生日祝福设置 of one organization: it greets the records kept in its subtree."""

    org = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="birthday_setting",
    )
    is_enabled = models.BooleanField(_("enabled"), default=False)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    # {name}, {org} are replaced; the SMS text is sent after the signature.
    sms_template = models.TextField(_("SMS text"), blank=True)
    email_subject = models.CharField(_("email subject"), max_length=150, blank=True)
    email_template = models.TextField(_("email text"), blank=True)
    send_time = models.TimeField(_("time of day"), default=dt.time(8, 0))
    # The local date of the last run that finished, so a run happens once a day.
    last_run_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("birthday greeting setting")
        verbose_name_plural = _("birthday greeting settings")

    def __str__(self) -> str:
        return str(self.org_id)


class BirthdayCalendar(models.TextChoices):
    SOLAR = "solar", _("Solar")
    LUNAR = "lunar", _("Lunar")


class BirthdayGreetingStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class BirthdayGreeting(models.Model):
    """生日祝福记录: one greeting of one alumni record on one local date."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("alumni record"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    calendar = models.CharField(_("calendar"), max_length=8, choices=BirthdayCalendar.choices)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BirthdayGreetingStatus.choices,
        default=BirthdayGreetingStatus.SENDING,
    )
    segments = models.PositiveSmallIntegerField(_("segments"), default=0)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("birthday greeting")
        verbose_name_plural = _("birthday greetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "date"], name="birthday_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.date}"
