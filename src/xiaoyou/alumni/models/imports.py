"""批量导入: import batches (undoable) and saved column mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATED = "validated", _("Validated")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportBatch(TimeStampedModel):
    """One uploaded file and what importing it did; undo reverts exactly that."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="alumni_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="alumni/imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # {column index or header: record field or "custom:<key>" or ""}
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    key_field = models.CharField(
        _("match existing records by"), max_length=40, default="student_id"
    )
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    report = models.FileField(upload_to="alumni/import-reports/%Y/%m/", blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ImportMapping(TimeStampedModel):
    """A saved column mapping, reused when the same kind of spreadsheet comes again."""

    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    mapping = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="unique_mapping_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name
