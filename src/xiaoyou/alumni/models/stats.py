"""校友统计: daily coverage snapshots, so the coverage charts can show change over time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageSnapshot(models.Model):
    """Counts of one organization's records on one day (org NULL = the whole archive)."""

    org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    total = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    with_contact = models.PositiveIntegerField(default=0)
    updated_this_year = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["org", "day"], name="alumni_coverage_org_day"),
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(org__isnull=True),
                name="alumni_coverage_all_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org or '*'} {self.day}"
