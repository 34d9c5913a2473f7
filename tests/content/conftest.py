from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()  # upload counters live in the cache; user ids repeat between tests
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Stored photos go to a directory of their own per test (checked file by file below).
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield


@pytest.fixture
def verified_alumnus(verified_alumnus, org_tree):
    """The suite's persona, here with the live verified alumni record that "verified alumni"
    (albums' view and upload permission) asks for."""
    from tests.factories import AlumniRecordFactory
    from xiaoyou.alumni.models import VerificationState

    AlumniRecordFactory(
        org=org_tree.root,
        user=verified_alumnus,
        name="张伟",
        verification=VerificationState.VERIFIED,
    )
    return verified_alumnus
