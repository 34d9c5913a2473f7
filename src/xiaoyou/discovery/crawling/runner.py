"""One crawl: every chosen source, page by page, logging problems and carrying on.

A page that times out, answers 5xx after the retries, is refused by robots.txt or has lost the
structure its parser knows is written to the run's log and skipped; the next page is fetched.
Only the people found are handed back (to services.crawl_execute, which stores them).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from xiaoyou.discovery.crawling.base import (
    EnterpriseFound,
    FollowLink,
    LayoutChanged,
    Page,
    PersonFound,
    Request,
    School,
    source_for,
)
from xiaoyou.discovery.crawling.fetcher import Fetcher, FetchError
from xiaoyou.discovery.models import LogKind, LogLevel

# A source that keeps yielding links stops here (a list page that links to itself...).
MAX_PAGES_PER_SOURCE = 500


@dataclass
class LogLine:
    source: str
    level: str
    kind: str
    url: str
    message: str = ""


@dataclass
class CrawlOutcome:
    people: list[tuple[str, PersonFound]] = field(default_factory=list)
    enterprises: list[tuple[str, EnterpriseFound]] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)
    pages: int = 0

    @property
    def problems(self) -> int:
        return sum(1 for line in self.log if line.level != LogLevel.INFO)


def crawl(
    source_keys: list[str],
    school: School,
    *,
    fetcher: Fetcher,
    on_progress: Callable[[int, int], None] | None = None,
    on_log: Callable[[LogLine], None] | None = None,
) -> CrawlOutcome:
    outcome = CrawlOutcome()
    done = 0

    def log(line: LogLine) -> None:
        outcome.log.append(line)
        if on_log is not None:
            on_log(line)

    queues: dict[str, deque[Request]] = {}
    for key in source_keys:
        try:
            queues[key] = deque(source_for(key).start(school))
        except Exception as exc:  # a broken plug-in must not stop the others
            log(LogLine(key, LogLevel.ERROR, LogKind.SOURCE, "", str(exc)[:500]))

    def remaining() -> int:
        return sum(len(queue) for queue in queues.values())

    for key, queue in queues.items():
        source = source_for(key)
        seen: set[str] = set()
        while queue:
            request = queue.popleft()
            if request.url in seen or len(seen) >= MAX_PAGES_PER_SOURCE:
                continue
            seen.add(request.url)
            try:
                fetched = fetcher.fetch(request.url)
            except FetchError as exc:
                level = LogLevel.WARNING if exc.kind == LogKind.ROBOTS else LogLevel.ERROR
                log(LogLine(key, level, exc.kind, request.url, exc.message[:500]))
            else:
                outcome.pages += 1
                kind = LogKind.CACHED if fetched.from_cache else LogKind.FETCHED
                log(LogLine(key, LogLevel.INFO, kind, request.url))
                page = Page(fetched.url, fetched.status, fetched.text, request)
                try:
                    for item in source.parse(page, school):
                        if isinstance(item, FollowLink):
                            queue.append(item.request)
                        elif isinstance(item, EnterpriseFound):
                            outcome.enterprises.append((key, item))
                        else:
                            outcome.people.append((key, item))
                except LayoutChanged as exc:
                    log(LogLine(key, LogLevel.ERROR, LogKind.LAYOUT, request.url, str(exc)[:500]))
                except Exception as exc:
                    message = f"{type(exc).__name__}: {exc}"[:500]
                    log(LogLine(key, LogLevel.ERROR, LogKind.SOURCE, request.url, message))
            done += 1
            if on_progress is not None:
                on_progress(done, done + remaining())
    return outcome
