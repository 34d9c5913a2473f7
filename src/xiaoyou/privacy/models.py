"""Personal-data rights (个人信息保护, PIPL): policy versions, consents, data exports, erasures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class PolicyKind(models.TextChoices):
    PRIVACY = "privacy", _("Privacy policy")
    TERMS = "terms", _("Terms of service")


class PolicyVersion(TimeStampedModel):
    """One published version of the privacy policy (隐私政策) or the terms; never edited after
    publication: a change is a new version, which signed-in users are asked to accept again."""

    kind = models.CharField(
        _("type"), max_length=16, choices=PolicyKind.choices, default=PolicyKind.PRIVACY
    )
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    # Sanitized with core.richtext before it is stored.
    body = models.TextField(_("text"))
    summary = models.CharField(_("summary of changes"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_policy_version_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Consent(models.Model):
    """同意记录: a person's consent to one purpose; withdrawing keeps the row (proof of when).

    Purpose "account" is the required consent to the privacy policy (tied to `policy`); the
    others are optional uses registered by modules (purposes.py), e.g. face search.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    policy = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DataExport(TimeStampedModel):
    """下载我的数据: one export of everything the platform holds about a person (JSON + Excel),
    downloadable by its owner until `expires_at` (24 hours)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    token = models.CharField(max_length=64, unique=True)
    json_file = models.FileField(upload_to="privacy/exports/", blank=True)
    xlsx_file = models.FileField(upload_to="privacy/exports/", blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id}"


class Erasure(models.Model):
    """注销记录: an account deleted at its owner's request — what was erased or anonymized and
    what the association keeps. Rows are never changed or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasures"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    reauthenticated_by = models.CharField(_("re-authenticated by"), max_length=20)
    erased = models.JSONField(_("erased or anonymized"), default=dict)
    kept = models.JSONField(_("kept"), default=dict)

    class Meta:
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"erasure of {self.user_id}"
