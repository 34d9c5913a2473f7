"""Celery tasks of the cloud card: each takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task

VOUCHERS_EXPIRE = "xiaoyou.cards.vouchers_expire"


@shared_task(name=VOUCHERS_EXPIRE, ignore_result=True)
def vouchers_expire() -> int:
    from xiaoyou.cards.services.vouchers import vouchers_expire as expire

    return expire()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "cards.vouchers_expire",
        VOUCHERS_EXPIRE,
        crontab="5 * * * *",
        description="Cloud card: vouchers past their validity become expired.",
    )
