"""文章 (articles): news of an organization, with categories, attachments, revisions, comments.

An article belongs to the organization that publishes it (`org`). Admins of that organization
(or above) write and publish; an admin of one of its sub-organizations may write one for it and
submit it, and the organization's admins approve it in the review queue (`source_org` names the
sub-organization it came from).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    # 定时发布: published by the periodic task once publish_at has passed.
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    DELETED = "deleted", _("Deleted")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


class ArticleCategory(TimeStampedModel):
    """栏目: a category of an organization's articles."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="article_categories",
    )
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="content_category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


def cover_path(article: Article, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"content/articles/covers/{uuid.uuid4().hex}.{extension}"


class Article(TimeStampedModel):
    """文章."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="articles",
    )
    # 下级组织投稿: the sub-organization whose admin wrote it (reviewed by `org`'s admins).
    source_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=120)
    source = models.CharField(_("source"), max_length=100, blank=True)  # 来源
    author_name = models.CharField(_("author"), max_length=60, blank=True)  # 作者
    cover = models.ImageField(_("cover"), upload_to=cover_path, blank=True, max_length=200)
    # Sanitized HTML (core.richtext); safe to render.
    body = models.TextField(_("body"), blank=True)
    # The body's text without markup: keyword search and list excerpts.
    body_text = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        db_index=True,
    )
    # The status to go back to when a deleted article is restored.
    status_before_delete = models.CharField(max_length=16, blank=True, editable=False)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_recommended = models.BooleanField(_("recommended"), default=False)
    allows_comments = models.BooleanField(_("comments allowed"), default=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-is_pinned", "-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="content_article_published"),
            models.Index(fields=["status", "publish_at"], name="content_article_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def excerpt(self) -> str:
        text = self.body_text
        return text if len(text) <= 90 else text[:90] + "…"


def attachment_path(attachment: ArticleAttachment, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"content/articles/files/{uuid.uuid4().hex}.{extension}"


class ArticleAttachment(TimeStampedModel):
    """附件: stored under a random name; the original name is kept for the download."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)  # pdf, docx, xlsx, pptx, jpg, png...
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ArticleRevision(TimeStampedModel):
    """修订记录: the title and body as they were saved by one edit (a whole snapshot)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="content_revision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.number}"


class ArticleComment(TimeStampedModel):
    """评论: waits for the organization's approval (review queue) before anyone else sees it."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="article_comments",
    )
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="content_comment_list"),
        ]

    def __str__(self) -> str:
        return self.body[:40]
