"""校友招聘: jobs and internships posted by verified alumni, and the applications to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class PostingKind(models.TextChoices):
    JOB = "job", _("Job")
    INTERNSHIP = "internship", _("Internship")


class PostingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class JobPosting(TimeStampedModel):
    """A job or internship offered through the association (reviewed before it shows)."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="job_postings",
    )
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.CASCADE,
        related_name="job_postings",
    )
    company = models.CharField(_("company"), max_length=120)
    title = models.CharField(_("job title"), max_length=120)
    kind = models.CharField(
        _("type"), max_length=16, choices=PostingKind.choices, default=PostingKind.JOB
    )
    city = models.CharField(_("city"), max_length=60, db_index=True)
    industry = models.CharField(_("industry"), max_length=60, db_index=True)
    salary = models.CharField(_("salary"), max_length=60, blank=True)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=16, choices=PostingStatus.choices, default=PostingStatus.PENDING
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job posting")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} · {self.company}"


def resume_path(instance: JobApplication, filename: str) -> str:
    # The stored name never reuses the applicant's file name (kept apart in `resume_name`).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"discovery/resumes/{instance.posting_id}/{instance.applicant_id}.{extension}"


class JobApplication(TimeStampedModel):
    posting = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="job_applications",
    )
    resume = models.FileField(_("resume file"), upload_to=resume_path)
    resume_name = models.CharField(_("file name"), max_length=200)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("job application")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "applicant"], name="discovery_one_application_per_job"
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.posting}"
