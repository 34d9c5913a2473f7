"""活动邀约 and 活动黑名单: invitation codes that bypass capacity and approval, and the
blacklist of people who may not register (per event or per organization)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.events.models.events import Event


class InvitationCode(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitation_codes")
    code = models.CharField(_("code"), max_length=24, unique=True)
    note = models.CharField(_("for whom"), max_length=100, blank=True)
    uses_allowed = models.PositiveIntegerField(_("uses allowed"), default=1)
    uses = models.PositiveIntegerField(_("used"), default=0)
    bypass_capacity = models.BooleanField(_("beyond capacity"), default=True)
    bypass_approval = models.BooleanField(_("without approval"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")

    def __str__(self) -> str:
        return self.code


class BlacklistEntry(TimeStampedModel):
    """A person barred from an event, or from every event of an organization (and below)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason (shown to the person)"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org__isnull=False) | models.Q(event__isnull=False),
                name="events_blacklist_org_or_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.org_id or ''}{self.event_id or ''}"
