"""校友统计 cache: each chart's figures per (scope, filters, chart) in Django's cache (Redis in
production, local memory embedded) for settings.ALUMNI_STATS_CACHE_SECONDS (10 minutes).

The scope part of the key is the set of organization paths that make the user's reach
(selectors_stats.scope_paths): "all" for platform admins, a hash of the paths otherwise, so two
admins of the same college share figures and a college admin never reads the platform's. The
language is part of the key (titles and headers are translated). A cached chart carries
`as_of`, the time it was computed, shown on the page; `refresh=True` recomputes (the view
rate-limits it). Nothing warms the cache at night: with a 10-minute lifetime a warm at 23:50
would be gone by morning; the page loads each chart on its own instead, so a cold page paints
at once and fills chart by chart.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from xiaoyou.alumni.selectors_stats import Chart, StatsFilters, scope_paths, stats_chart

PREFIX = "alumni-stats:v1"


def cache_seconds() -> int:
    return int(getattr(settings, "ALUMNI_STATS_CACHE_SECONDS", 600))


def scope_key(user: Any) -> str:
    paths = scope_paths(user)
    if paths is None:
        return "all"
    return "p:" + hashlib.sha256("|".join(sorted(paths)).encode()).hexdigest()[:24]


def cache_key(user: Any, key: str, filters: StatsFilters | None = None, **options: Any) -> str:
    """The cache key of chart `key` (or "pass-<name>", a pass's rows) for the user's scope."""
    f = filters or StatsFilters()
    parts = {
        "org": f.org.pk if f.org is not None else None,
        "min": f.graduation_year_min,
        "max": f.graduation_year_max,
        "options": {name: value for name, value in sorted(options.items()) if value},
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{PREFIX}:{scope_key(user)}:{key}:{digest[:24]}"


LOCK_WAIT_SECONDS = 60  # a request waits this long for another computing the same pass


def _same_refresh(stored: tuple[float, Any, str], refresh: str) -> bool:
    """Rows computed by the same refresh (token) within the last minute."""
    return stored[2] == refresh and time.time() - stored[0] < LOCK_WAIT_SECONDS


def _rows_of(user: Any, filters: StatsFilters | None, refresh: str) -> Any:
    """The pass rows provider for stats_chart: the pass's grouped rows from the cache, or
    computed once while concurrent requests for the same pass wait (a lock in the cache), so
    the parallel charts of a cold page cost one scan per pass. `refresh` (a token, one per
    click of the page's refresh button) recomputes the rows unless a sibling chart of the same
    refresh already did."""
    from xiaoyou.alumni.selectors_stats_passes import pass_rows

    def rows_of(name: str, records: Any) -> list[tuple[Any, ...]]:
        key = cache_key(user, f"pass-{name}", filters)
        stored = cache.get(key)
        if stored is not None and (not refresh or _same_refresh(stored, refresh)):
            return list(stored[1])
        lock = key + ":lock"
        if not cache.add(lock, 1, LOCK_WAIT_SECONDS):
            waited = 0.0
            while waited < LOCK_WAIT_SECONDS and cache.get(lock) is not None:
                time.sleep(0.05)
                waited += 0.05
                stored = cache.get(key)
                if stored is not None and (not refresh or _same_refresh(stored, refresh)):
                    return list(stored[1])
        try:
            rows = pass_rows(records, name)
            cache.set(key, (time.time(), rows, refresh), cache_seconds())
        finally:
            cache.delete(lock)
        return rows

    return rows_of


def cached_chart(
    user: Any,
    key: str,
    filters: StatsFilters | None = None,
    *,
    refresh: bool | str = False,
    **options: Any,
) -> Chart | None:
    """The chart from the cache, computed (and stored) when missing or when `refresh` (True,
    or the token of one refresh of the page, shared by its charts). The chart's extra holds
    `as_of` (ISO time of the computation) and `cached` (True when it came from the cache)."""
    name = cache_key(user, key, filters, **options)
    if not refresh:
        stored = cache.get(name)
        if stored is not None:
            chart: Chart = stored
            chart.extra = {**chart.extra, "cached": True}
            return chart
    token = (refresh if isinstance(refresh, str) else uuid.uuid4().hex) if refresh else ""
    found = stats_chart(user, key, filters, rows_of=_rows_of(user, filters, token), **options)
    if found is None:
        return None
    found.extra = {**found.extra, "as_of": timezone.now().isoformat(), "cached": False}
    cache.set(name, found, cache_seconds())
    return found


def as_of(chart: Chart) -> datetime.datetime | None:
    value = chart.extra.get("as_of")
    return datetime.datetime.fromisoformat(value) if value else None
