"""`xiaoyou sync-schedules`: writes the declared periodic schedules to django-celery-beat."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiaoyou.core.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update the periodic tasks (beat schedules) that modules declare."

    def handle(self, *args: Any, **options: Any) -> None:
        report = schedules_sync()
        verbosity = options["verbosity"]
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("deleted", report.deleted),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        if verbosity >= 2:
            for name in report.unchanged:
                self.stdout.write(f"unchanged: {name}")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"schedules: {len(report.created)} created, {len(report.updated)} updated, "
                    f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted"
                )
            )
