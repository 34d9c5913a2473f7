"""Celery tasks of articles: the periodic publisher of scheduled articles (定时发布)."""

from __future__ import annotations

from celery import shared_task

ARTICLES_PUBLISH_DUE = "xiaoyou.content.articles_publish_due"


@shared_task(name=ARTICLES_PUBLISH_DUE, ignore_result=True)
def articles_publish_due() -> int:
    """Periodic: publishes the scheduled articles whose time has come (idempotent)."""
    from xiaoyou.content.services.articles import articles_publish_due as publish

    return publish()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "content.articles-publish-due",
        ARTICLES_PUBLISH_DUE,
        crontab="* * * * *",
        description="Content: publish scheduled articles whose time has come.",
    )
