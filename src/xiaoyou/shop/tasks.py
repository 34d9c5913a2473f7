"""Celery tasks of the shop: each calls a service."""

from __future__ import annotations

from celery import shared_task

ORDERS_EXPIRE = "xiaoyou.shop.orders_expire"


@shared_task(name=ORDERS_EXPIRE, ignore_result=True)
def orders_expire() -> int:
    from xiaoyou.shop.services.orders import orders_expire as expire

    return expire()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "shop.orders-expire",
        ORDERS_EXPIRE,
        crontab="* * * * *",
        description="Shop: cancel unpaid orders whose time to pay ran out and return their stock.",
    )
