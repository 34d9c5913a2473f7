"""活动讨论 and 收藏: comments on an event (with replies and moderation) and favorites."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core.models import TimeStampedModel
from xiaoyou.events.models.events import Event


class EventComment(TimeStampedModel):
    """A comment in an event's discussion, or a reply to one (one level deep)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"))
    # Staff of the event's organization answering in its name (官方回复).
    is_official = models.BooleanField(_("official reply"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("event comment")
        verbose_name_plural = _("event comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="events_comment_listing")
        ]

    def __str__(self) -> str:
        return self.body[:30]


class EventFavorite(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_favorites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("favorite event")
        verbose_name_plural = _("favorite events")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="events_favorite_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event_id}"
