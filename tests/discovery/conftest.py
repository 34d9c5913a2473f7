from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.discovery.fixture_server import FixtureSite, fixture_sites


@pytest.fixture
def sites(settings) -> Iterator[dict[str, FixtureSite]]:
    """The four sources served locally; settings point the crawlers at them (fast, no waits)."""
    with fixture_sites(slow_seconds=1.0) as running:
        settings.DISCOVERY_SOURCE_URLS = {key: site.url for key, site in running.items()}
        settings.DISCOVERY_SCHOOL_QID = "Q999001"
        settings.DISCOVERY_TIMEOUT = 0.3
        settings.DISCOVERY_RETRIES = 1
        settings.DISCOVERY_BACKOFF = 0.0
        settings.DISCOVERY_RATE_LIMIT = 0.0
        yield running
