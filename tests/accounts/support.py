"""Helpers shared by the accounts tests and the accounts browser tests."""

from __future__ import annotations

import uuid
from typing import Any


def fresh_cache_settings(caches: dict[str, Any]) -> dict[str, Any]:
    """CACHES with a new key prefix: an empty namespace for rate limits and tokens, without a
    flush (which on Redis would also wipe the Celery broker's keys in the same database)."""
    default = dict(caches["default"])
    default["KEY_PREFIX"] = f"{default.get('KEY_PREFIX', '')}-t{uuid.uuid4().hex[:10]}"
    return {**caches, "default": default}
