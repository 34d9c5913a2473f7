"""`xiaoyou seed-demo`: loads the demo school (idempotent; `--if-empty` for first start)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaoyou.alumni.demo import (
    DEFAULT_RECORD_COUNT,
    DEFAULT_SCHOOL,
    credentials_path,
    demo_root,
    seed_demo,
)
from xiaoyou.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Creates a believable demo school: organizations, departments and majors, about 2,000 "
        "alumni records, organization admins and a platform admin. Running it again adds "
        "nothing that exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", default=DEFAULT_SCHOOL, help="School name (示范大学).")
        parser.add_argument(
            "--records", type=int, default=DEFAULT_RECORD_COUNT, help="Number of alumni records."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Do nothing when the demo school, or any organization, already exists "
                "(used at every start: a real installation is never given demo data)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school: str = options["school"]
        if options["if_empty"] and (demo_root(school) or Organization.objects.exists()):
            self.stdout.write("Organizations exist already: demo data not loaded.")
            return
        started = time.monotonic()
        result = seed_demo(school=school, record_count=options["records"])
        elapsed = time.monotonic() - started
        created = ", ".join(f"{count} {kind}" for kind, count in result.created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo school {school}: {created or 'nothing new'} ({elapsed:.1f} s). "
                f"Accounts: {credentials_path()}"
            )
        )
