"""Recurring series (系列活动) and sessions (分场/子活动) of events.

A series is a set of events sharing a `series_key`: each date is its own event with its own
registrations and seats, made from the first one by `event_series_extend` (weekly, every two
weeks or monthly). A session is a child event (`parent`) of a main event — a forum of an
anniversary, a dinner after a reunion — with its own time, place, tickets and registrations.
Both are drafts until published, like any copy.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import Event
from xiaoyou.events.services.events import event_copy

FREQUENCIES = ("weekly", "biweekly", "monthly")
MAX_OCCURRENCES = 52
TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def _add_months(moment: datetime, months: int) -> datetime:
    """The same local wall-clock time `months` later; the 31st becomes the month's last day."""
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None).replace(year=year, month=month, day=day)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def occurrence_shift(moment: datetime | None, frequency: str, index: int) -> datetime | None:
    """`moment` moved to the index-th next occurrence (local wall-clock time is kept, so a
    19:00 dinner stays at 19:00)."""
    if moment is None:
        return None
    if frequency == "monthly":
        return _add_months(moment, index)
    days = 7 if frequency == "weekly" else 14
    local = timezone.localtime(moment).replace(tzinfo=None) + timedelta(days=days * index)
    return timezone.make_aware(local, timezone.get_current_timezone())


@transaction.atomic
def event_series_extend(*, actor: Any, event: Event, frequency: str, count: int) -> list[Event]:
    """Adds `count` further dates to the series of `event` (its managers), each a draft copy
    with every time moved by the frequency; the event joins a new series when it has none."""
    policy.require(actor, "manage", event)
    if frequency not in FREQUENCIES or not 1 <= count <= MAX_OCCURRENCES:
        raise ApplicationError(errors.SERIES_INVALID, status=400, limit=MAX_OCCURRENCES)
    if event.parent_id is not None:
        raise ApplicationError(errors.SERIES_OF_SESSION, status=409)
    if not event.series_key:
        event.series_key = secrets.token_hex(8)
        event.save(update_fields=["series_key", "updated_at"])
    created = []
    for index in range(1, count + 1):
        copy = event_copy(actor=actor, event=event)
        for name in TIME_FIELDS:
            setattr(copy, name, occurrence_shift(getattr(event, name), frequency, index))
        copy.save(update_fields=[*TIME_FIELDS, "updated_at"])
        created.append(copy)
    audit.record(
        actor=actor,
        action="events.event.series_extend",
        obj=event,
        changes={"frequency": [None, frequency], "dates_added": [None, count]},
    )
    return created


@transaction.atomic
def event_session_add(*, actor: Any, parent: Event, title: str) -> Event:
    """A new session (draft) of `parent`, with the parent's settings and ticket types, to be
    given its own time, place and capacity; sessions have no sessions of their own."""
    policy.require(actor, "manage", parent)
    if parent.parent_id is not None:
        raise ApplicationError(errors.SESSION_OF_SESSION, status=409)
    title = title.strip()
    if not title:
        raise ApplicationError(errors.TITLE_REQUIRED, status=400)
    session = event_copy(actor=actor, event=parent)
    session.parent = parent
    session.title = title[:120]
    session.series_key = ""
    session.is_pinned = session.is_recommended = False
    session.save(
        update_fields=["parent", "title", "series_key", "is_pinned", "is_recommended", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="events.event.session_add",
        obj=session,
        changes={"parent": [None, parent.pk], "title": [None, session.title]},
    )
    return session
