"""The plug-in interface of the crawlers (CrawlSource) and what they hand back.

A source knows one site's page structures: which pages to ask for first (`start`), and how to
read each page (`parse`), which yields found people (`PersonFound`) and further pages to fetch
(`FollowLink`). It never fetches anything itself: the crawl (crawling/runner.py) fetches through
`Fetcher`, which honours robots.txt, rate limits, retries and the cache, and logs what went
wrong. A page whose expected structure is missing raises `LayoutChanged`; the crawl records it
and carries on with the next page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings


class LayoutChanged(Exception):
    """The page was fetched but does not have the structure the parser knows."""


@dataclass(frozen=True)
class School:
    """Who we look for: the school's names (full and short) and its Wikidata item."""

    names: tuple[str, ...]
    wikidata_qid: str = ""

    def mentioned_in(self, text: str) -> str | None:
        """The first of the school's names that occurs in `text`."""
        for name in self.names:
            if name and name in text:
                return name
        return None


@dataclass(frozen=True)
class Request:
    url: str
    # What the source needs to remember about the page (e.g. "list" or "person").
    kind: str = "page"
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class PersonFound:
    """A person a page links to the school, with the sentence that says so."""

    external_key: str
    name: str
    source_url: str
    evidence: str
    confidence: int
    photo_url: str = ""
    title: str = ""
    summary: str = ""
    enrollment_year: int | None = None
    graduation_year: int | None = None
    department: str = ""
    field: str = ""


@dataclass
class ExecutiveFound:
    """A founder or executive whose résumé in a disclosure names the school."""

    name: str
    role: str
    evidence: str
    enrollment_year: int | None = None
    graduation_year: int | None = None
    department: str = ""


@dataclass
class EnterpriseFound:
    """A listed company with alumni among its executives (from an annual report)."""

    name: str
    stock_code: str
    source_url: str
    people: list[ExecutiveFound] = field(default_factory=list)


@dataclass(frozen=True)
class FollowLink:
    request: Request


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    text: str
    request: Request

    def json(self) -> Any:
        import json

        return json.loads(self.text)


Found = PersonFound | EnterpriseFound | FollowLink


class CrawlSource:
    """One public source. Subclasses set `key` and `label`, and implement `start` and `parse`."""

    key: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    # The default address of the site; settings.DISCOVERY_SOURCE_URLS[key] replaces it.
    default_base_url: ClassVar[str] = ""

    def base_url(self) -> str:
        configured = getattr(settings, "DISCOVERY_SOURCE_URLS", {}).get(self.key)
        return str(configured or self.default_base_url).rstrip("/")

    def start(self, school: School) -> Iterable[Request]:
        raise NotImplementedError

    def parse(self, page: Page, school: School) -> Iterator[Found]:
        raise NotImplementedError


_sources: dict[str, CrawlSource] = {}


def register_source(source: CrawlSource) -> CrawlSource:
    if not source.key:
        raise ValueError("a crawl source needs a key")
    _sources[source.key] = source
    return source


def source_for(key: str) -> CrawlSource:
    return _sources[key]


def all_sources() -> list[CrawlSource]:
    return sorted(_sources.values(), key=lambda source: source.key)
