from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import TITLE_MAX_LENGTH, ModerationStatus
from xiaoyou.core.models import TimeStampedModel


class BoardVisibility(models.TextChoices):
    # A public message shows on the organization's board once published; a private question
    # (咨询) is seen only by its author and the organization's admins.
    PUBLIC = "public", _("Public message")
    PRIVATE = "private", _("Private question")


class BoardMessage(TimeStampedModel):
    """留言/咨询: a message or question an alumnus posts to an organization."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="board_messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="board_messages",
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=BoardVisibility.choices,
        default=BoardVisibility.PUBLIC,
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("message text"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The first official reply: "unanswered" is answered_at IS NULL.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    last_reply_at = models.DateTimeField(_("last reply at"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)

    class Meta:
        verbose_name = _("board message")
        verbose_name_plural = _("board messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status", "-created_at"], name="community_msg_org_status"),
            models.Index(fields=["author", "-created_at"], name="community_msg_author"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == BoardVisibility.PUBLIC


class BoardReply(TimeStampedModel):
    """A reply in a message's thread: official (staff of the organization) or the author's."""

    message = models.ForeignKey(
        BoardMessage,
        verbose_name=_("board message"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="board_replies",
    )
    body = models.TextField(_("reply"))
    # 官方回复: written by an admin of the message's organization, shown with its name.
    is_official = models.BooleanField(_("official reply"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("board reply")
        verbose_name_plural = _("board replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]
