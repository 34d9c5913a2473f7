"""Celery tasks of events: each takes ids and calls a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

REGISTRATION_NOTIFY = "xiaoyou.events.registration_notify"
HOLDS_EXPIRE = "xiaoyou.events.holds_expire"
EVENT_REGISTRATIONS_CANCEL = "xiaoyou.events.event_registrations_cancel"
WAITLIST_PROMOTE = "xiaoyou.events.waitlist_promote"


@shared_task(name=REGISTRATION_NOTIFY, acks_late=True, ignore_result=True)
def registration_notify(
    registration_id: int, kind: str, extra: dict[str, Any] | None = None
) -> int:
    from xiaoyou.events.services.notices import registration_notify as notify

    return len(notify(registration_id=registration_id, kind=kind, extra=extra or {}))


@shared_task(name=HOLDS_EXPIRE, ignore_result=True)
def holds_expire() -> int:
    """Periodic: expired seat offers and unpaid registrations free their seats."""
    from xiaoyou.events.services.waitlist import holds_expire as expire

    return expire()


@shared_task(name=EVENT_REGISTRATIONS_CANCEL, acks_late=True, ignore_result=True)
def event_registrations_cancel_task(event_id: int, actor_id: int | None) -> int:
    """After an event is cancelled: cancel, refund and notify every live registration."""
    from django.contrib.auth import get_user_model

    from xiaoyou.events.models import Event
    from xiaoyou.events.services.events import event_registrations_cancel

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return event_registrations_cancel(event=Event.objects.get(pk=event_id), actor=actor)


@shared_task(name=WAITLIST_PROMOTE, acks_late=True, ignore_result=True)
def waitlist_promote_task(event_id: int) -> int:
    from xiaoyou.events.models import Event
    from xiaoyou.events.services.waitlist import waitlist_promote

    event = Event.objects.filter(pk=event_id).first()
    return len(waitlist_promote(event=event)) if event is not None else 0


def register() -> None:
    from xiaoyou.core import schedules

    schedules.schedule(
        "events.holds-expire",
        HOLDS_EXPIRE,
        crontab="* * * * *",
        description="Events: expire unpaid registrations and seat offers, promote waitlists.",
    )
