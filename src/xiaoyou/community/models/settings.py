from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.organizations.models import ContentReviewMode

DEFAULT_REPORT_HIDE_THRESHOLD = 3


class CommunitySettings(TimeStampedModel):
    """社区设置: an organization's moderation rules for its message board and mutual help.

    Kept here rather than on Organization so the organizations app stays unaware of the
    community; an empty mode follows the organization's default content review
    (`Organization.content_review_mode`). Mutual help follows the settings of the organization
    a post is filed under (the main association unless the author picks one of theirs).
    """

    org = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="community_settings",
    )
    board_review_mode = models.CharField(
        _("message board moderation"),
        max_length=16,
        choices=ContentReviewMode.choices,
        blank=True,
        help_text=_("Empty: the organization's default content review."),
    )
    help_review_mode = models.CharField(
        _("mutual help moderation"),
        max_length=16,
        choices=ContentReviewMode.choices,
        blank=True,
        help_text=_("Empty: the organization's default content review."),
    )
    report_hide_threshold = models.PositiveSmallIntegerField(
        _("reports before hiding"),
        default=DEFAULT_REPORT_HIDE_THRESHOLD,
        help_text=_("A mutual-help post with this many abuse reports is hidden until reviewed."),
    )

    class Meta:
        verbose_name = _("community settings")
        verbose_name_plural = _("community settings")

    def __str__(self) -> str:
        return f"{self.org_id}"

    def board_mode(self) -> str:
        return self.board_review_mode or self.org.content_review_mode

    def help_mode(self) -> str:
        return self.help_review_mode or self.org.content_review_mode
