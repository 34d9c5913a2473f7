"""线上挑战: challenges, reports and voiding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    Event,
)
from xiaoyou.events.services.online.common import (
    CENT,
    CHALLENGE_FIELDS,
    REPORT_RATES,
    _apply_fields,
    _full_clean,
    _rate_limit,
    _require_open_event,
)

# --- Challenges -------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@transaction.atomic
def challenge_save(
    *, actor: Any, event: Event, challenge: Challenge | None = None, **fields: Any
) -> Challenge:
    """Adds or changes a challenge of `event` (its managers): it ends after it starts, the most
    per report is above 0, and the goal (optional) too."""
    policy.require(actor, "manage", event)
    if challenge is None:
        challenge = Challenge(event=event)
    elif challenge.event_id != event.pk:
        raise ApplicationError("not_found", status=404)
    else:
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    for name in ("goal", "max_per_report"):
        if name in fields:
            fields[name] = _decimal(fields[name])
    changes = _apply_fields(challenge, fields, CHALLENGE_FIELDS)
    if (
        challenge.max_per_report is None
        or challenge.max_per_report <= 0
        or (challenge.goal is not None and challenge.goal <= 0)
        or challenge.starts_at is None
        or challenge.ends_at is None
        or challenge.ends_at <= challenge.starts_at
    ):
        raise ApplicationError(errors.CHALLENGE_LIMITS_INVALID)
    _full_clean(challenge)
    if challenge.pk is None:
        challenge.save()
        action = "events.challenge.create"
    else:
        challenge.save(update_fields=sorted({*fields, "updated_at"}))
        action = "events.challenge.update"
    if changes:
        audit.record(actor=actor, action=action, obj=challenge, org=event.org, changes=changes)
    return challenge


def challenge_is_running(challenge: Challenge, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return challenge.starts_at <= now <= challenge.ends_at


@transaction.atomic
def challenge_report(
    *, actor: Any, challenge: Challenge, amount: Any, note: str = ""
) -> ChallengeReport:
    """Reports a check-in (e.g. the kilometres walked today) inside the challenge's window:
    above 0 and at most the challenge's `max_per_report`, to 2 decimals. Rate-limited."""
    challenge = Challenge.objects.select_related("event", "event__org").get(pk=challenge.pk)
    policy.require(actor, "take_part", challenge.event)
    _require_open_event(challenge.event)
    if not challenge_is_running(challenge):
        raise ApplicationError(errors.CHALLENGE_NOT_RUNNING, status=409)
    number = _decimal(amount)
    if number is None or number <= 0 or number > challenge.max_per_report:
        raise ApplicationError(
            errors.CHALLENGE_AMOUNT_INVALID,
            limit=plain_number(challenge.max_per_report),
            unit=challenge.unit,
        )
    if number != number.quantize(CENT):
        raise ApplicationError(
            errors.CHALLENGE_AMOUNT_INVALID,
            limit=plain_number(challenge.max_per_report),
            unit=challenge.unit,
        )
    _rate_limit(actor, "challenge", REPORT_RATES)
    return ChallengeReport.objects.create(
        challenge=challenge, user=actor, amount=number, note=" ".join((note or "").split())[:200]
    )


def plain_number(value: Decimal) -> str:
    """12.50 -> "12.5", 10.00 -> "10"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def challenge_report_void(*, actor: Any, report: ChallengeReport) -> ChallengeReport:
    """Voids a report (the event's managers): it no longer counts on the leaderboard."""
    report = ChallengeReport.objects.select_related("challenge__event__org").get(pk=report.pk)
    policy.require(actor, "manage", report)
    if ChallengeReport.objects.filter(pk=report.pk, is_void=False).update(is_void=True):
        report.is_void = True
        audit.record(
            actor=actor,
            action="events.challenge_report.void",
            obj=report,
            org=report.challenge.event.org,
            changes={"is_void": [False, True], "amount": [str(report.amount), None]},
        )
    return report
