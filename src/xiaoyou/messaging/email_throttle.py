"""Per-domain sending rates of campaign mail (MESSAGING_EMAIL_DOMAIN_RATES), counted per minute
in the cache, which every worker shares when it is Redis."""

from __future__ import annotations

import time

from django.core.cache import cache


class DomainThrottle:
    """Counts messages per recipient domain and minute in the cache (shared by workers)."""

    def __init__(self, rates: dict[str, int]):
        self.rates = rates

    def rate_for(self, domain: str) -> int:
        return self.rates.get(domain, self.rates.get("*", 0))

    def admit(self, domain: str) -> float:
        """0 when a message to `domain` may go now, else seconds to wait."""
        rate = self.rate_for(domain)
        if rate <= 0:
            return 0.0
        now = time.time()
        minute = int(now // 60)
        key = f"messaging:email:rate:{domain}:{minute}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
        if count <= rate:
            return 0.0
        return (minute + 1) * 60 - now + 0.05
