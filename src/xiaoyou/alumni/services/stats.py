"""校友统计: the daily coverage snapshot (one row for the whole archive, one per organization
with records), so the coverage chart can show change over time.

`coverage_snapshots_take()` is idempotent per day: a second run the same day updates the day's
rows instead of adding new ones. Beat runs it every night (schedule "alumni.coverage-snapshot").
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xiaoyou.alumni.models import AlumniRecord, CoverageSnapshot, Department
from xiaoyou.alumni.selectors_stats import org_records_q
from xiaoyou.alumni.selectors_stats_coverage import coverage_counts

logger = logging.getLogger(__name__)

SNAPSHOT_TASK = "xiaoyou.alumni.coverage_snapshot"


def _live_records() -> Any:
    return AlumniRecord.objects.filter(deleted_at__isnull=True, merged_into__isnull=True).order_by()


def _organizations_with_records() -> Any:
    """Organizations that keep records or are linked to a department (a college association)."""
    from xiaoyou.organizations.models import Organization

    keeping = _live_records().values("org_id")
    linked = Department.objects.exclude(org=None).values("org_id")
    return Organization.objects.filter(Q(pk__in=keeping) | Q(pk__in=linked)).order_by("path")


def coverage_snapshots_take(*, day: datetime.date | None = None) -> int:
    """Writes the day's snapshot rows (today by default); returns how many were written."""
    day = day or timezone.localdate()
    written = 0
    with transaction.atomic():
        counts = coverage_counts(_live_records())
        CoverageSnapshot.objects.update_or_create(org=None, day=day, defaults=counts)
        written += 1
        for org in _organizations_with_records():
            counts = coverage_counts(_live_records().filter(org_records_q(org)))
            if not counts["total"]:
                continue
            CoverageSnapshot.objects.update_or_create(org=org, day=day, defaults=counts)
            written += 1
    logger.info("coverage snapshot %s: %s rows", day, written)
    return written


@shared_task(name=SNAPSHOT_TASK)
def coverage_snapshot() -> int:
    """Nightly: the coverage snapshot of the day."""
    return coverage_snapshots_take()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "alumni.coverage-snapshot",
        SNAPSHOT_TASK,
        crontab="50 23 * * *",
        description="Alumni statistics: snapshot of the archive's coverage, daily at 23:50.",
    )
