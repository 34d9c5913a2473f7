"""Celery tasks of SMS and birthday greetings: each calls a service."""

from __future__ import annotations

from celery import shared_task

BIRTHDAYS_SEND_DUE = "xiaoyou.messaging.birthdays_send_due"


@shared_task(name=BIRTHDAYS_SEND_DUE, ignore_result=True)
def birthdays_send_due_task() -> int:
    """Periodic: greets today's birthdays of the settings whose time of day has come."""
    from xiaoyou.messaging.services.birthdays import birthdays_send_due

    return birthdays_send_due()


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core import notifications, schedules
    from xiaoyou.core.models import Channel

    # Every 10 minutes: each organization chooses its own time of day; a setting runs once a
    # day, the first time the task finds its time has come.
    schedules.schedule(
        "messaging.birthday-greetings",
        BIRTHDAYS_SEND_DUE,
        crontab="*/10 * * * *",
        description="Messaging: birthday greetings (生日祝福) at each organization's time.",
    )
    notifications.register_kind(
        "messaging.birthday",
        _("Birthday greetings"),
        default_channels=[Channel.IN_APP, Channel.WECHAT],
        order=400,
    )
