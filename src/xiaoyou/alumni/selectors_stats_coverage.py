"""校友统计 coverage: shares of verified records, records with contact information and records
updated this year, live and from the daily CoverageSnapshot rows (services/stats.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.alumni.models import AlumniRecord, CoverageSnapshot, VerificationState
from xiaoyou.alumni.selectors_stats import Chart, StatsFilters, stats_records


def year_start() -> datetime.datetime:
    now = timezone.localtime()
    return now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def coverage_counts(records: QuerySet[AlumniRecord]) -> dict[str, int]:
    """total, verified, with_contact (a phone or an email), updated_this_year: one query."""
    return records.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(verification=VerificationState.VERIFIED)),
        with_contact=Count("pk", filter=~Q(phone="") | ~Q(email="")),
        updated_this_year=Count("pk", filter=Q(updated_at__gte=year_start())),
    )


def _share(part: int, total: int) -> float:
    return round(100.0 * part / total, 1) if total else 0.0


def coverage_chart(user: Any, filters: StatsFilters | None = None) -> Chart:
    """Shares of verified records, records with contact information and records updated this
    year: the daily snapshots of the organization (of the whole archive for platform admins
    without an organization filter) plus today's live figures. The year filter does not apply:
    snapshots count every record of the organization."""
    f = filters or StatsFilters(org=None)
    today = timezone.localdate()
    history: list[dict[str, Any]] = []
    if f.org is not None or getattr(user, "is_superuser", False):
        snapshots = CoverageSnapshot.objects.filter(day__lt=today).order_by("day")
        snapshots = snapshots.filter(org=f.org) if f.org is not None else snapshots.filter(org=None)
        fields = ("day", "total", "verified", "with_contact", "updated_this_year")
        history = [dict(row) for row in snapshots.values(*fields)]
    live = coverage_counts(stats_records(user, StatsFilters(org=f.org)))
    history.append({"day": today, **live})
    labels = [row["day"].isoformat() for row in history]
    names = {
        "verified": _("Verified"),
        "with_contact": _("With contact information"),
        "updated_this_year": _("Updated this year"),
    }
    series = [
        {"name": str(name), "values": [_share(row[key], row["total"]) for row in history]}
        for key, name in names.items()
    ]
    rows = [
        [
            row["day"],
            row["total"],
            row["verified"],
            _share(row["verified"], row["total"]),
            row["with_contact"],
            _share(row["with_contact"], row["total"]),
            row["updated_this_year"],
            _share(row["updated_this_year"], row["total"]),
        ]
        for row in history
    ]
    return Chart(
        key="coverage",
        title=_("Coverage over time"),
        kind="coverage",
        labels=labels,
        values=[row["total"] for row in history],
        headers=[
            _("Day"),
            _("Records"),
            _("Verified"),
            _("Verified (%)"),
            _("With contact information"),
            _("With contact information (%)"),
            _("Updated this year"),
            _("Updated this year (%)"),
        ],
        rows=rows,
        extra={"series": series, "today": live},
    )
