"""成员匹配 and duplicates: claims of records by users, duplicate candidates for review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.models.records import AlumniRecord
from xiaoyou.core.models import TimeStampedModel


class ClaimStatus(models.TextChoices):
    MATCHED = "matched", _("Matched automatically")
    PENDING = "pending", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RecordClaim(TimeStampedModel):
    """A registered user claims an alumni record; ambiguous claims go to the review queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_claims"
    )
    record = models.ForeignKey(
        AlumniRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    # What the claimant typed (name, student id, enrollment year, department, birth date).
    evidence = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("confidence"), default=0)  # 0..100
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices)

    class Meta:
        verbose_name = _("record claim")
        verbose_name_plural = _("record claims")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.record}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not duplicates")


class DuplicateCandidate(TimeStampedModel):
    """Two records that probably describe the same person, with a score and the reasons."""

    first = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))  # 0..100
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.OPEN,
        db_index=True,
    )

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_candidate_per_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score})"
