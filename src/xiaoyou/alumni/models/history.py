"""档案历史: every change to a record with who, when and from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models.records import AlumniRecord, RecordSource


class RecordChange(models.Model):
    """One field of one record changed (or the record created, merged, deleted, restored)."""

    record = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=60)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        "alumni.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("record change")
        verbose_name_plural = _("record history")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id}.{self.field}"
