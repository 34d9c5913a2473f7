"""Periodic schedules: modules declare them here, `xiaoyou sync-schedules` writes them to beat.

Beat runs with django-celery-beat's DatabaseScheduler in both modes (the embedded worker's
`--beat` and the production beat service), so a schedule is a PeriodicTask row. Modules declare
theirs in AppConfig.ready():

    schedule("messaging.birthday-greetings", "xiaoyou.messaging.send_birthday_greetings",
             crontab="0 8 * * *", description="...")

Times are in CELERY_TIMEZONE (Asia/Shanghai). The command runs after `migrate` at every start.
It creates missing rows and updates task, timing and arguments of existing ones, but keeps an
operator's choice to disable a schedule in the admin. Rows it created whose schedule is no
longer declared are deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

# Descriptions of managed rows start with this, so sync can tell them from hand-made ones.
MANAGED_PREFIX = "[xiaoyou] "


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    crontab: str  # "minute hour day-of-month month day-of-week", as in crontab(5)
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    enabled: bool = True

    def crontab_fields(self) -> dict[str, str]:
        minute, hour, day_of_month, month_of_year, day_of_week = self.crontab.split()
        return {
            "minute": minute,
            "hour": hour,
            "day_of_month": day_of_month,
            "month_of_year": month_of_year,
            "day_of_week": day_of_week,
        }


_schedules: dict[str, Schedule] = {}


def schedule(
    name: str,
    task: str,
    *,
    crontab: str,
    kwargs: dict[str, Any] | None = None,
    description: str = "",
    enabled: bool = True,
) -> Schedule:
    """Declares that Celery task `task` runs on `crontab` (five fields, local time)."""
    parts = crontab.split()
    if len(parts) != 5:
        raise ValueError(f"Schedule {name!r}: crontab {crontab!r} needs five fields")
    from celery.schedules import crontab as celery_crontab

    try:  # Let Celery parse it now so a typo fails at start, not at night.
        celery_crontab(
            minute=parts[0],
            hour=parts[1],
            day_of_month=parts[2],
            month_of_year=parts[3],
            day_of_week=parts[4],
        )
    except Exception as exc:
        raise ValueError(f"Schedule {name!r}: crontab {crontab!r}: {exc}") from exc
    entry = Schedule(
        name=name,
        task=task,
        crontab=" ".join(parts),
        kwargs=dict(kwargs or {}),
        description=description,
        enabled=enabled,
    )
    _schedules[name] = entry
    return entry


def all_schedules() -> list[Schedule]:
    return sorted(_schedules.values(), key=lambda entry: entry.name)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def schedules_sync() -> SyncReport:
    """Makes the PeriodicTask rows match the declared schedules (idempotent)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    report = SyncReport()
    declared = all_schedules()
    with transaction.atomic():
        for entry in declared:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                **entry.crontab_fields(), timezone=settings.CELERY_TIMEZONE
            )
            kwargs = json.dumps(entry.kwargs, sort_keys=True)
            description = MANAGED_PREFIX + entry.description
            row = PeriodicTask.objects.filter(name=entry.name).first()
            if row is None:
                PeriodicTask.objects.create(
                    name=entry.name,
                    task=entry.task,
                    crontab=crontab,
                    kwargs=kwargs,
                    description=description,
                    enabled=entry.enabled,
                )
                report.created.append(entry.name)
                continue
            if (
                row.task == entry.task
                and row.crontab_id == crontab.pk
                and row.interval_id is None
                and json.loads(row.kwargs or "{}") == entry.kwargs
                and row.description == description
            ):
                report.unchanged.append(entry.name)
                continue
            row.task = entry.task
            row.crontab = crontab
            row.interval = None
            row.kwargs = kwargs
            row.description = description
            # A plain save(): django-celery-beat's save signal is how a running beat notices.
            row.save()
            report.updated.append(entry.name)
        names = {entry.name for entry in declared}
        for row in PeriodicTask.objects.filter(description__startswith=MANAGED_PREFIX).exclude(
            name__in=names
        ):
            report.deleted.append(row.name)
            row.delete()
    return report
