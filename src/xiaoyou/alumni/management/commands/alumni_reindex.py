"""`xiaoyou alumni-reindex`: recomputes the pinyin/initials search keys of every record."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from xiaoyou.alumni.services.search_keys import record_search_keys_reindex


class Command(BaseCommand):
    help = "Recomputes name_pinyin and name_initials of all alumni records (prints JSON)."

    def handle(self, *args: Any, **options: Any) -> None:
        updated = record_search_keys_reindex()
        self.stdout.write(json.dumps({"updated": updated}))
