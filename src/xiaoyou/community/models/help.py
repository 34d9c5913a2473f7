from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import TITLE_MAX_LENGTH, ModerationStatus
from xiaoyou.core.models import TimeStampedModel


class HelpKind(models.TextChoices):
    REQUEST = "request", _("Request for help")  # 求助
    OFFER = "offer", _("Offer of help")  # 提供帮助


class HelpCategory(models.TextChoices):
    HOUSING = "housing", _("Housing")  # 租房/住宿
    REFERRAL = "referral", _("Job referral")  # 内推
    ADVICE = "advice", _("Advice")  # 咨询建议
    ITEM_DONATION = "item_donation", _("Item donation")  # 闲置物品捐赠
    OTHER = "other", _("Other")


class ContactPreference(models.TextChoices):
    REPLY_ONLY = "reply_only", _("Only through replies on the platform")
    SHOW_CONTACT = "show_contact", _("Show my contact to verified alumni")


class HelpPost(TimeStampedModel):
    """互助: a request or offer of help posted by a verified alumnus."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="help_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="help_posts",
    )
    kind = models.CharField(_("type"), max_length=16, choices=HelpKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=HelpCategory.choices)
    city = models.CharField(_("city"), max_length=60, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("details"))
    contact_preference = models.CharField(
        _("contact"),
        max_length=16,
        choices=ContactPreference.choices,
        default=ContactPreference.REPLY_ONLY,
    )
    contact = models.CharField(_("contact details"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    # True while the post is hidden because reports reached the threshold (pending review).
    is_hidden_by_reports = models.BooleanField(_("hidden by reports"), default=False)

    class Meta:
        verbose_name = _("mutual-help post")
        verbose_name_plural = _("mutual-help posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="community_help_status"),
            models.Index(fields=["author", "-created_at"], name="community_help_author"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_solved(self) -> bool:
        return self.solved_at is not None


class HelpReply(TimeStampedModel):
    post = models.ForeignKey(
        HelpPost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="help_replies",
    )
    body = models.TextField(_("reply"))
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("mutual-help reply")
        verbose_name_plural = _("mutual-help replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class HelpReport(TimeStampedModel):
    """举报: a signed-in user reports a mutual-help post as abusive (once per post)."""

    post = models.ForeignKey(
        HelpPost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.CASCADE,
        related_name="help_reports",
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="community_report_once")
        ]

    def __str__(self) -> str:
        return self.reason[:40]
