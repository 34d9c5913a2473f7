"""捐赠人与受益人的社交圈: the beneficiaries of a project (e.g. scholarship students, named by
staff) post thanks and updates, moderated before the project's donors and page show them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel
from xiaoyou.donations.models.projects import DonationProject


class PostStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


class ProjectBeneficiary(TimeStampedModel):
    """受益人: a signed-in person staff named as a beneficiary of the project."""

    project = models.ForeignKey(
        DonationProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="beneficiaries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="donation_beneficiaries",
    )
    note = models.CharField(_("note"), max_length=120, blank=True)  # e.g. 2025 年度奖学金获得者
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_beneficiary_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.user}"


class BeneficiaryPost(TimeStampedModel):
    """A beneficiary's thanks or update, with an optional photo (stored without metadata)."""

    project = models.ForeignKey(
        DonationProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="beneficiary_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="beneficiary_posts",
    )
    body = models.TextField(_("text"))
    photo = models.ImageField(_("photo"), upload_to="donations/posts/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PostStatus.choices,
        default=PostStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("beneficiary post")
        verbose_name_plural = _("beneficiary posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status", "-published_at"], name="donations_posts")
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.body[:40]}"


class PostReply(TimeStampedModel):
    """回复: a donor of the project (a paid gift to it) answers a published beneficiary post;
    moderated like the posts before it is shown under the post."""

    post = models.ForeignKey(
        BeneficiaryPost,
        verbose_name=_("beneficiary post"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="beneficiary_post_replies",
    )
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PostStatus.choices,
        default=PostStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply to a beneficiary post")
        verbose_name_plural = _("replies to beneficiary posts")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "status", "published_at"], name="donations_replies")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.body[:40]}"
