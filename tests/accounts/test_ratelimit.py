"""xiaoyou.core.ratelimit: windows that open at the first hit, several rules at once."""

from __future__ import annotations

import uuid

import pytest

from xiaoyou.core import ratelimit
from xiaoyou.core.ratelimit import Rate, Rule


class Clock:
    """Moves time for the rate limiter and the cache's expiry together (local-memory cache:
    a Redis server keeps its own time)."""

    def __init__(self, monkeypatch, settings, start: float = 1_750_000_000.0) -> None:
        import django.core.cache.backends.locmem as locmem

        self.now = start
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"clock-{uuid.uuid4().hex}",
            },
        }
        monkeypatch.setattr(ratelimit.time, "time", lambda: self.now)
        monkeypatch.setattr(locmem.time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch, settings):
    return Clock(monkeypatch, settings)


def test_rate_parse_reads_limit_and_seconds():
    assert Rate.parse("5/3600") == Rate(limit=5, window_seconds=3600)
    assert Rate.parse(" 1/60 ") == Rate(limit=1, window_seconds=60)


@pytest.mark.parametrize("text", ["5", "a/60", "0/60", "5/0", "5/-1", ""])
def test_rate_parse_refuses_bad_text(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_hit_allows_up_to_the_limit_then_refuses(clock):
    assert [ratelimit.hit("k", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.remaining("k", 3, 60) == 0


def test_window_opens_at_first_hit_and_refused_hits_do_not_extend_it(clock):
    assert ratelimit.hit("k", 1, 60) is True
    clock.advance(30)
    assert ratelimit.hit("k", 1, 60) is False
    assert ratelimit.retry_after("k", 1, 60) == 30
    clock.advance(29)
    assert ratelimit.hit("k", 1, 60) is False
    assert ratelimit.retry_after("k", 1, 60) == 1
    clock.advance(1.5)
    assert ratelimit.retry_after("k", 1, 60) == 0
    assert ratelimit.hit("k", 1, 60) is True


def test_remaining_counts_down_and_reset_forgets(clock):
    assert ratelimit.remaining("k", 5, 3600) == 5
    ratelimit.hit("k", 5, 3600)
    ratelimit.hit("k", 5, 3600)
    assert ratelimit.remaining("k", 5, 3600) == 3
    ratelimit.reset("k", 5, 3600)
    assert ratelimit.remaining("k", 5, 3600) == 5


def test_rules_on_the_same_key_are_counted_separately(clock):
    ratelimit.hit("k", 1, 60)
    assert ratelimit.remaining("k", 1, 60) == 0
    assert ratelimit.remaining("k", 5, 3600) == 5


def test_hit_all_counts_nothing_when_one_rule_is_exhausted(clock):
    phone = Rule("phone", Rate(1, 60))
    address = Rule("ip", Rate(10, 3600))
    assert ratelimit.hit_all([phone, address]) is None
    assert ratelimit.remaining("ip", 10, 3600) == 9
    assert ratelimit.hit_all([phone, address]) == phone
    # The refused attempt took nothing from the address's allowance.
    assert ratelimit.remaining("ip", 10, 3600) == 9
    assert ratelimit.blocking([address]) is None
    assert ratelimit.blocking([phone, address]) == phone
