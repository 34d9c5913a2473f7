"""捐赠项目: a project alumni give to, owned by an organization (分级管理), with its usage
reports (项目报告) and progress updates to donors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Raising")
    CLOSED = "closed", _("Closed")


class ProjectVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    VERIFIED = "verified", _("Verified alumni")
    MEMBERS = "members", _("Members of the organization")


class DonationProject(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="donation_projects",
    )
    title = models.CharField(_("name"), max_length=120)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    story = models.TextField(_("story"), blank=True)  # sanitized HTML (core.richtext)
    cover = models.ImageField(_("cover"), upload_to="donations/covers/", blank=True)
    beneficiary = models.CharField(_("beneficiary"), max_length=120, blank=True)
    beneficiary_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("beneficiary organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_amount = models.PositiveBigIntegerField(_("target (fen)"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    preset_amounts = models.JSONField(_("preset amounts (fen)"), default=list, blank=True)
    allow_custom_amount = models.BooleanField(_("donors may type an amount"), default=True)
    min_amount = models.PositiveIntegerField(_("smallest gift (fen)"), default=100)
    max_amount = models.PositiveIntegerField(_("largest online gift (fen)"), default=5_000_000)
    ask_class = models.BooleanField(_("ask for class"), default=True)
    allow_anonymous = models.BooleanField(_("anonymous gifts allowed"), default=True)
    offer_receipt = models.BooleanField(_("receipts on request"), default=True)
    visibility = models.CharField(
        _("who may give"),
        max_length=16,
        choices=ProjectVisibility.choices,
        default=ProjectVisibility.PUBLIC,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProjectStatus.choices,
        default=ProjectStatus.DRAFT,
        db_index=True,
    )
    # 感恩: the thank-you text of this project ({name}, {amount}, {project} are filled in);
    # empty: the platform's default text.
    thank_you_text = models.TextField(_("thank-you message"), blank=True)
    is_recommended = models.BooleanField(_("recommended"), default=False)
    # Moved only by conditional UPDATEs when a gift is paid or refunded (services.giving), so
    # the totals stay exact under concurrent gifts and replayed payment notifications.
    raised_amount = models.BigIntegerField(_("raised (fen)"), default=0)
    donation_count = models.PositiveIntegerField(_("gifts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("donation project")
        verbose_name_plural = _("donation projects")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def progress_percent(self) -> int:
        if not self.target_amount:
            return 0
        return min(100, int(self.raised_amount * 100 // self.target_amount))


class ProjectReport(TimeStampedModel):
    """项目报告: how the money was used (a PDF or image), shown to donors and on the project's
    transparency page."""

    project = models.ForeignKey(DonationProject, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="donations/reports/", blank=True)
    spent_amount = models.PositiveBigIntegerField(_("spent (fen)"), default=0)
    period = models.CharField(_("period"), max_length=40, blank=True)  # e.g. 2026 年度
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
