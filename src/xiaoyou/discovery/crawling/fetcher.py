"""Polite HTTP for the crawlers: robots.txt, a per-host rate limit, retries and a cache.

- robots.txt is fetched once per host per Fetcher and read with urllib.robotparser; a missing
  file (4xx) allows everything, an unreachable one (5xx, timeout) allows nothing on that host,
  as RFC 9309 §2.3.1 asks.
- Requests to one host are spaced by `min_interval` seconds (settings.DISCOVERY_RATE_LIMIT).
- A timeout, a connection error or a 5xx answer is tried again `retries` times with exponential
  backoff (`backoff * 2**n`); the last failure raises FetchError with its kind.
- A 200 answer is kept in CachedResponse; within `cache_seconds` the same URL is served from
  there without asking the site again.
"""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils import timezone

from xiaoyou.discovery.models import CachedResponse, LogKind

DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


class FetchError(Exception):
    def __init__(self, kind: str, url: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.message = message


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    text: str
    from_cache: bool


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def user_agent() -> str:
    return f"XiaoyouBot/1.0 (+{getattr(settings, 'SITE_URL', '')})"


class Fetcher:
    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        min_interval: float | None = None,
        cache_seconds: int | None = None,
    ) -> None:
        self.timeout = timeout if timeout is not None else settings.DISCOVERY_TIMEOUT
        self.retries = retries if retries is not None else settings.DISCOVERY_RETRIES
        self.backoff = backoff if backoff is not None else settings.DISCOVERY_BACKOFF
        self.min_interval = (
            min_interval if min_interval is not None else settings.DISCOVERY_RATE_LIMIT
        )
        self.cache_seconds = (
            cache_seconds if cache_seconds is not None else settings.DISCOVERY_CACHE_SECONDS
        )
        self._owns_client = client is None
        self.client = client or httpx.Client(
            headers={"User-Agent": user_agent()}, follow_redirects=True
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    # --- politeness -----------------------------------------------------------------------

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            if last is not None and self.min_interval > 0:
                wait = last + self.min_interval - now
                if wait > 0:
                    time.sleep(wait)
            self._last_request[host] = time.monotonic()

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is not None:
            return parser
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            response = self._request(origin + "/robots.txt", retries=0)
        except FetchError:
            parser.parse(DISALLOW_ALL)
        else:
            if response.status_code >= 500:
                parser.parse(DISALLOW_ALL)
            elif response.status_code >= 400:
                parser.parse([])
            else:
                parser.parse(response.text.splitlines())
        self._robots[origin] = parser
        return parser

    def allowed(self, url: str) -> bool:
        return self._robots_for(url).can_fetch(user_agent(), url)

    # --- requests --------------------------------------------------------------------------

    def _request(self, url: str, *, retries: int | None = None) -> httpx.Response:
        host = urlsplit(url).netloc
        attempts = (self.retries if retries is None else retries) + 1
        last: FetchError | None = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            self._wait_turn(host)
            self.requests_made += 1
            try:
                response = self.client.get(url, timeout=self.timeout)
            except httpx.TimeoutException as exc:
                last = FetchError(LogKind.TIMEOUT, url, f"timed out after {self.timeout}s ({exc})")
                continue
            except httpx.HTTPError as exc:
                last = FetchError(LogKind.NETWORK, url, str(exc) or type(exc).__name__)
                continue
            if response.status_code >= 500:
                last = FetchError(LogKind.HTTP_ERROR, url, f"HTTP {response.status_code}")
                continue
            return response
        assert last is not None
        raise last

    def fetch(self, url: str) -> Fetched:
        """The page at `url`: from the cache when fresh, else from the site (politely)."""
        url_hash = _hash(url)
        if self.cache_seconds > 0:
            cached = CachedResponse.objects.filter(
                url_hash=url_hash,
                fetched_at__gte=timezone.now() - timedelta(seconds=self.cache_seconds),
            ).first()
            if cached is not None:
                return Fetched(url, cached.status, cached.body, True)
        if not self.allowed(url):
            raise FetchError(LogKind.ROBOTS, url, "disallowed by robots.txt")
        response = self._request(url)
        if response.status_code >= 400:
            raise FetchError(LogKind.HTTP_ERROR, url, f"HTTP {response.status_code}")
        text = response.text
        if self.cache_seconds > 0:
            CachedResponse.objects.update_or_create(
                url_hash=url_hash,
                defaults={
                    "url": url[:1000],
                    "status": response.status_code,
                    "content_type": response.headers.get("content-type", "")[:120],
                    "body": text,
                    "body_hash": _hash(text),
                    "fetched_at": timezone.now(),
                },
            )
        return Fetched(url, response.status_code, text, False)
