"""`xiaoyou articles-reindex`: writes every article's search document again (prints JSON)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from xiaoyou.content.search_articles import articles_search_rebuild


class Command(BaseCommand):
    help = "Rebuilds the article search index from the stored titles and bodies (prints JSON)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            indexed = articles_search_rebuild()
        seconds = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps({"indexed": indexed, "seconds": seconds}))
