"""信息采集: shareable forms for a class or a year whose answers flow into the archive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models.records import AlumniRecord
from xiaoyou.core.models import TimeStampedModel


class CollectionCampaign(TimeStampedModel):
    org = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    code = models.CharField(max_length=32, unique=True)
    # Who it is for: e.g. {"graduation_year": 2005, "department": 3, "class_name": "计算机051"}.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    # Record fields (and "custom:<key>") the form asks for.
    fields = models.JSONField(_("fields"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    is_active = models.BooleanField(_("open"), default=True)
    # Volunteer liaisons (班级联络人) who follow how many classmates have answered.
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="liaison_campaigns"
    )

    class Meta:
        verbose_name = _("information campaign")
        verbose_name_plural = _("information campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ResponseStatus(models.TextChoices):
    APPLIED = "applied", _("Applied to the archive")
    CONFLICT = "conflict", _("Conflict under review")
    UNMATCHED = "unmatched", _("No matching record")
    NEW = "new", _("New record created")


class CollectionResponse(TimeStampedModel):
    campaign = models.ForeignKey(
        CollectionCampaign, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict)
    record = models.ForeignKey(
        AlumniRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=ResponseStatus.choices)
    # Match confidence (0-100) and the fields whose answer differs from a verified archive value:
    # {"field": {"archive": old, "answer": new}}; they wait in the review queue, never overwrite.
    confidence = models.PositiveSmallIntegerField(default=0)
    conflicts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("campaign response")
        verbose_name_plural = _("campaign responses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.record or '-'}"
