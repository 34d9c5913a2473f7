"""校友动态: collecting news about confirmed notable alumni and alumni enterprises from the
configured feeds (settings.DISCOVERY_NEWS_FEEDS), de-duplicated and filtered for relevance.

Relevance rules: an enterprise is mentioned when its name or its short name (without
股份有限公司 / 有限责任公司 / 有限公司) appears; a person when their name appears together with
the school's name or a word of their position (华源集团 for 华源集团董事长), since a two-character
name alone matches too many strangers. A story is kept once per organization: a second feed
or address with the same headline (ignoring spaces and punctuation) is a duplicate.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xiaoyou.core import jobs, policy
from xiaoyou.core.jobs import JobContext
from xiaoyou.discovery.crawling.base import LayoutChanged
from xiaoyou.discovery.crawling.feeds import FeedEntry, parse_feed
from xiaoyou.discovery.crawling.fetcher import Fetcher, FetchError
from xiaoyou.discovery.models import (
    CrawlRun,
    Enterprise,
    EnterpriseStatus,
    NewsItem,
    NotableAlumnus,
)
from xiaoyou.organizations.models import Organization

NEWS_JOB = "discovery.news"
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
_WORD_SPLIT = re.compile(r"[、，,;；\s]+")


def fingerprint(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    kept = "".join(ch for ch in text if ch.isalnum())
    return hashlib.sha256(kept.encode()).hexdigest()


@dataclass(frozen=True)
class Watched:
    names: tuple[str, ...]
    context: tuple[str, ...]  # a person's name counts only next to one of these
    notable: NotableAlumnus | None = None
    enterprise: Enterprise | None = None

    def mentioned_in(self, text: str) -> str | None:
        name = next((name for name in self.names if name and name in text), None)
        if name is None:
            return None
        if self.context and not any(word in text for word in self.context):
            return None
        return name


def watch_list(org: Organization, school_names: tuple[str, ...]) -> list[Watched]:
    watched: list[Watched] = []
    for notable in NotableAlumnus.objects.filter(org__path__startswith=org.path):
        words = tuple(w for w in _WORD_SPLIT.split(notable.title) if len(w) >= 2)
        watched.append(Watched((notable.name,), school_names + words, notable=notable))
    enterprises = Enterprise.objects.filter(
        org__path__startswith=org.path, status=EnterpriseStatus.PUBLISHED
    )
    for enterprise in enterprises:
        short = enterprise.name
        for suffix in _COMPANY_SUFFIXES:
            short = short.removesuffix(suffix)
        names = tuple(dict.fromkeys(n for n in (enterprise.name, short) if len(n) >= 2))
        watched.append(Watched(names, (), enterprise=enterprise))
    return watched


def _store(
    org: Organization, feed: str, entry: FeedEntry, found: list[tuple[Watched, str]]
) -> bool:
    if not entry.url or NewsItem.objects.filter(org=org, url=entry.url[:1000]).exists():
        return False
    try:
        with transaction.atomic():
            item = NewsItem.objects.create(
                org=org,
                feed_url=feed[:1000],
                url=entry.url[:1000],
                title=entry.title[:300],
                summary=entry.summary[:2000],
                published_at=entry.published_at,
                fingerprint=fingerprint(entry.title),
                mentions=sorted({name for _watched, name in found}),
            )
    except IntegrityError:
        return False  # the same headline from another feed or address
    item.notables.set([w.notable for w, _name in found if w.notable is not None])
    item.enterprises.set([w.enterprise for w, _name in found if w.enterprise is not None])
    return True


def news_collect(*, org: Organization, on_progress: Any = None) -> dict[str, Any]:
    """Reads every configured feed once and keeps the new relevant stories for `org`; feeds
    that fail are reported and skipped. Safe to run again (stories are de-duplicated)."""
    from xiaoyou.discovery.services.crawls import school_for

    feeds = list(settings.DISCOVERY_NEWS_FEEDS)
    watched = watch_list(org, school_for(org).names)
    kept = seen = 0
    problems: list[str] = []
    fetcher = Fetcher(cache_seconds=0)
    try:
        for index, feed in enumerate(feeds, start=1):
            try:
                entries = parse_feed(fetcher.fetch(feed).text)
            except (FetchError, LayoutChanged) as exc:
                problems.append(f"{feed}: {exc}")
                entries = []
            for entry in entries:
                seen += 1
                text = f"{entry.title} {entry.summary}"
                found = [(w, name) for w in watched if (name := w.mentioned_in(text))]
                if found and _store(org, feed, entry, found):
                    kept += 1
            if on_progress is not None:
                on_progress(index, len(feeds))
    finally:
        fetcher.close()
    return {"feeds": len(feeds), "entries": seen, "kept": kept, "problems": problems}


def news_collect_start(*, actor: Any, org: Organization) -> Any:
    """Collects news now, as a background job; admins of `org` (as for crawls)."""
    policy.require(actor, "crawl", CrawlRun(org=org))
    return jobs.job_create(
        kind=NEWS_JOB,
        title=_("Collect alumni news"),
        actor=actor,
        org=org,
        params={"org_id": org.pk},
    )


def news_collect_scheduled() -> list[int]:
    """Daily: a collection job for each main association that names its school."""
    job_ids = []
    for org in Organization.objects.filter(parent__isnull=True, is_active=True).exclude(
        school_name=""
    ):
        job = jobs.job_create(
            kind=NEWS_JOB,
            title=_("Collect alumni news"),
            actor=None,
            org=org,
            params={"org_id": org.pk},
        )
        job_ids.append(job.pk)
    return job_ids


def _run_job(context: JobContext) -> dict[str, Any]:
    org = Organization.objects.get(pk=int(context.params["org_id"]))
    return news_collect(org=org, on_progress=context.progress)


def register_jobs() -> None:
    from django.utils.translation import gettext_lazy

    from xiaoyou.discovery.policy import may_crawl

    jobs.register_job(
        NEWS_JOB, _run_job, gettext_lazy("Collect alumni news"), may_crawl, max_retries=1
    )
