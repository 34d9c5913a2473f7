"""知名校友: candidates found by the crawlers and the notable alumni staff confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoyou.core.models import TimeStampedModel


class Field(models.TextChoices):
    """The domain a notable alumnus is known in (领域)."""

    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business")
    ACADEMIA = "academia", _("Academia")
    ARTS = "arts", _("Arts")
    OTHER = "other", _("Other")


class CandidateStatus(models.TextChoices):
    NEW = "new", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public profile")
    INTERNAL = "internal", _("Internal only")


class NotableCandidate(TimeStampedModel):
    """A person a public source links to the school, with the evidence (出处) for staff."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="notable_candidates",
    )
    run = models.ForeignKey(
        "discovery.CrawlRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=32)
    # Stable identity within the source (a Wikidata QID, a page address).
    external_key = models.CharField(max_length=300)
    name = models.CharField(_("name"), max_length=60, db_index=True)
    photo_url = models.URLField(_("photo"), max_length=1000, blank=True)
    title = models.CharField(_("position"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    evidence = models.TextField(_("evidence sentence"), blank=True)
    source_url = models.URLField(_("source address"), max_length=1000)
    retrieved_at = models.DateTimeField(_("retrieved at"))
    confidence = models.PositiveSmallIntegerField(_("source confidence"), default=0)  # 0..100
    field = models.CharField(_("sector"), max_length=16, choices=Field.choices, default=Field.OTHER)
    enrollment_year = models.PositiveSmallIntegerField(
        _("year of enrollment"), null=True, blank=True
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("year of graduation"), null=True, blank=True
    )
    department_text = models.CharField(_("department (as found)"), max_length=100, blank=True)
    # The best alumni record found by matching, and how well it matched (0..100).
    matched_record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("matched record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    match_score = models.PositiveSmallIntegerField(_("match score"), default=0)
    match_reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.NEW
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notable alumni candidate")
        ordering = ["-confidence", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "source", "external_key"], name="discovery_candidate_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class NotableAlumnus(TimeStampedModel):
    """知名校友: a confirmed person, optionally linked to their alumni record."""

    org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="notable_alumni",
    )
    candidate = models.OneToOneField(
        NotableCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="notable"
    )
    record = models.ForeignKey(
        "alumni.AlumniRecord",
        verbose_name=_("alumni record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=60, db_index=True)
    photo_url = models.URLField(_("photo"), max_length=1000, blank=True)
    title = models.CharField(_("position"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    evidence = models.TextField(_("evidence sentence"), blank=True)
    source_url = models.URLField(_("source address"), max_length=1000, blank=True)
    field = models.CharField(_("sector"), max_length=16, choices=Field.choices, default=Field.OTHER)
    graduation_year = models.PositiveSmallIntegerField(
        _("year of graduation"), null=True, blank=True, db_index=True
    )
    department = models.ForeignKey(
        "alumni.Department",
        verbose_name=_("college"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )

    class Meta:
        verbose_name = _("notable alumnus")
        verbose_name_plural = _("notable alumni")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
