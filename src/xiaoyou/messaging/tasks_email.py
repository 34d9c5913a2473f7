"""Celery tasks of email campaigns: each calls a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

EMAIL_CAMPAIGNS_TICK = "xiaoyou.messaging.email_campaigns_tick"


@shared_task(name=EMAIL_CAMPAIGNS_TICK, ignore_result=True)
def email_campaigns_tick_task() -> dict[str, Any]:
    """Every minute: starts due scheduled campaigns, resumes sending after deferrals and
    after a dead worker's lease expired."""
    from xiaoyou.messaging.services.email_campaigns import campaigns_tick

    return campaigns_tick()


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "messaging.email-campaigns-tick",
        EMAIL_CAMPAIGNS_TICK,
        crontab="* * * * *",
        description="Messaging: start scheduled email campaigns, retry deferred recipients.",
    )
