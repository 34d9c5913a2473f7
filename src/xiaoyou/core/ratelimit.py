"""Cache-based rate limits that any module can use (SMS codes, logins, exports, ...).

Each rule counts hits in a window that opens at the first hit and lasts `window_seconds`: with
"1 per 60 s" a second hit is allowed exactly 60 s after the first, never at a window boundary a
second later (as fixed calendar windows would allow). Counters live in the default cache, so
they are per process with the local-memory cache and shared by every machine with Redis.

    if not ratelimit.hit(f"export:{user.pk}", limit=10, window_seconds=3600):
        raise ApplicationError("rate_limited")

Several rules that must all pass (per phone and per IP) are checked together with
`hit_all`, which consumes nothing when any rule is exhausted.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Rate:
    """`limit` hits per `window_seconds`; written "5/3600" in settings."""

    limit: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Reads "LIMIT/SECONDS" (e.g. "1/60", "10/86400"); fails loudly on anything else."""
        limit, _, window = text.strip().partition("/")
        try:
            rate = cls(limit=int(limit), window_seconds=int(window))
        except ValueError as exc:
            raise ValueError(f"rate {text!r} is not LIMIT/SECONDS, e.g. 5/3600") from exc
        if rate.limit < 1 or rate.window_seconds < 1:
            raise ValueError(f"rate {text!r} must be positive")
        return rate


@dataclass(frozen=True)
class Rule:
    """One rate applied to one subject, e.g. Rule("sms:phone:+8613800138000", Rate(1, 60))."""

    key: str
    rate: Rate

    @property
    def limit(self) -> int:
        return self.rate.limit

    @property
    def window_seconds(self) -> int:
        return self.rate.window_seconds


def _cache_key(key: str, limit: int, window_seconds: int) -> str:
    # Keys may hold phone numbers or addresses: hash them so they never appear in Redis as is
    # and never exceed memcached-style key limits.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{digest}:{limit}/{window_seconds}"


def _count(cache_key: str) -> int:
    value = cache.get(cache_key)
    return int(value) if value is not None else 0


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Counts one hit; True while the hits in the current window are within `limit`.

    A refused hit is not counted, so a client hammering a closed limit does not push its
    window further out.
    """
    cache_key = _cache_key(key, limit, window_seconds)
    # `add` opens the window only if none is open: its expiry marks the window's end.
    if cache.add(cache_key, 0, timeout=window_seconds):
        cache.set(f"{cache_key}:reset", time.time() + window_seconds, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window expired between add and incr: open a new one.
        cache.set(cache_key, 1, timeout=window_seconds)
        cache.set(f"{cache_key}:reset", time.time() + window_seconds, timeout=window_seconds)
        count = 1
    if count > limit:
        _give_back(cache_key)
        return False
    return True


def _give_back(cache_key: str) -> None:
    # The window may have closed meanwhile: then there is nothing left to give back.
    with contextlib.suppress(ValueError):
        cache.decr(cache_key)


def remaining(key: str, limit: int, window_seconds: int) -> int:
    """How many more hits the current window allows (without counting one)."""
    return max(0, limit - _count(_cache_key(key, limit, window_seconds)))


def retry_after(key: str, limit: int, window_seconds: int) -> int:
    """Seconds until the window of an exhausted rule closes; 0 when a hit is allowed now."""
    cache_key = _cache_key(key, limit, window_seconds)
    if _count(cache_key) < limit:
        return 0
    reset_at = cache.get(f"{cache_key}:reset")
    if reset_at is None:
        return window_seconds
    return max(1, int(reset_at - time.time() + 0.999))


def reset(key: str, limit: int, window_seconds: int) -> None:
    """Forgets the hits of one rule (e.g. after the user proved who they are)."""
    cache_key = _cache_key(key, limit, window_seconds)
    cache.delete_many([cache_key, f"{cache_key}:reset"])


def blocking(rules: Sequence[Rule]) -> Rule | None:
    """The first exhausted rule, or None when one more hit would pass every rule."""
    for rule in rules:
        if remaining(rule.key, rule.limit, rule.window_seconds) < 1:
            return rule
    return None


def hit_all(rules: Sequence[Rule]) -> Rule | None:
    """Counts one hit on every rule only if all allow it; returns the blocking rule or None."""
    refused = blocking(rules)
    if refused is not None:
        return refused
    counted: list[Rule] = []
    for rule in rules:
        if not hit(rule.key, rule.limit, rule.window_seconds):
            # Lost a race with a concurrent request: give back what this call took.
            for done in counted:
                _give_back(_cache_key(done.key, done.limit, done.window_seconds))
            return rule
        counted.append(rule)
    return None


def retry_after_rule(rule: Rule) -> int:
    return retry_after(rule.key, rule.limit, rule.window_seconds)
