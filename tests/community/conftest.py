from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache; user ids repeat between tests.
    cache.clear()
    yield
    cache.clear()
