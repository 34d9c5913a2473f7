"""Cached HTML fragments of the shells (hall home sections), with topic-based invalidation.

A fragment names the data topics it is built from ("organizations.memberships"); the service
that changes that data calls `invalidate(topic)` after commit, which bumps the topic's version
so every fragment built from it (each language and audience) is rebuilt on its next read. A
short TTL bounds staleness for changes no service announces (a user's new avatar).
Core knows no feature: topics are plain strings chosen by the modules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

PREFIX = "fragment:v1"


def _version_key(topic: str) -> str:
    return f"{PREFIX}:topic:{topic}"


def _versions(topics: Sequence[str]) -> list[int]:
    keys = [_version_key(topic) for topic in topics]
    found = cache.get_many(keys)
    return [int(found.get(key, 0)) for key in keys]


def cached(
    name: str,
    *,
    topics: Sequence[str],
    vary: str = "",
    timeout: int = 60,
    render: Callable[[], str],
) -> str:
    """`render()`'s HTML, cached per name, active language, `vary` and the topics' versions."""
    versions = ".".join(str(version) for version in _versions(topics))
    key = f"{PREFIX}:{name}:{translation.get_language() or ''}:{vary}:{versions}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout)
    return html


def invalidate(topic: str) -> None:
    """Marks every fragment built from `topic` stale, once the current transaction commits."""

    def bump() -> None:
        key = _version_key(topic)
        try:
            cache.incr(key)
        except ValueError:  # no version yet: fragments read version 0, so start past it
            cache.set(key, 1, None)

    transaction.on_commit(bump)
