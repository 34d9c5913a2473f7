from __future__ import annotations

import json

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Token-failure counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


def error_of(response) -> dict:
    """The body's error object, after checking the body has exactly the API's error shape."""
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
