"""Celery tasks of discovery: each takes ids (or none) and calls a service."""

from __future__ import annotations

from celery import shared_task

CRAWL_SCHEDULED = "xiaoyou.discovery.crawl_scheduled"


@shared_task(name=CRAWL_SCHEDULED, ignore_result=True)
def crawl_scheduled() -> list[int]:
    from xiaoyou.discovery.services.crawls import crawls_start_scheduled

    return [run.pk for run in crawls_start_scheduled()]


NEWS_SCHEDULED = "xiaoyou.discovery.news_scheduled"


@shared_task(name=NEWS_SCHEDULED, ignore_result=True)
def news_scheduled() -> list[int]:
    from xiaoyou.discovery.services.news import news_collect_scheduled

    return news_collect_scheduled()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "discovery.crawl_weekly",
        CRAWL_SCHEDULED,
        crontab="30 3 * * 1",
        description="Discovery: crawl every source for each school's main association, weekly.",
    )
    schedules.schedule(
        "discovery.news_daily",
        NEWS_SCHEDULED,
        crontab="0 7 * * *",
        description="Discovery: collect news about notable alumni and alumni enterprises, daily.",
    )
