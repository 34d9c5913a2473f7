"""What the online activities share: limits, rate limiting, field updates."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Event,
    EventStatus,
)

WALL_TEXT_MAX_LENGTH = 300
SIGNATURE_MAX_LENGTH = 60
WALL_PHOTO_MAX_BYTES = 10 * 1024 * 1024
# The wall screen shows photos full screen: larger ones are scaled down to this many pixels.
WALL_PHOTO_MAX_SIDE = 2560
# Anti-spam per person: (limit, window in seconds).
WALL_RATES = [(5, 600), (30, 86_400)]
REPORT_RATES = [(30, 3600)]
MODERATION_ACTIONS = {
    "publish": ModerationStatus.PUBLISHED,
    "reject": ModerationStatus.REJECTED,
    "hide": ModerationStatus.HIDDEN,
}
GIFT_SHIPPED = "events.gift_shipped"
WALL_REVIEW_KIND = "events.wall_post"
GIFT_FIELDS = {"name", "description", "stock", "needs_address", "closes_at", "is_active"}
CHALLENGE_FIELDS = {
    "name", "description", "unit", "goal", "max_per_report", "starts_at", "ends_at",
}  # fmt: skip
CENT = Decimal("0.01")


def _rate_limit(actor: Any, kind: str, rates: Iterable[tuple[int, int]]) -> None:
    rules = [
        ratelimit.Rule(f"events:{kind}:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in rates
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


def _require_open_event(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise ApplicationError(errors.NOT_PUBLISHED, status=409)


def _apply_fields(obj: Any, fields: dict[str, Any], allowed: set[str]) -> dict[str, list[Any]]:
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError("invalid_input", f"unknown fields: {sorted(unknown)}")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if obj.pk is None or before != value:
            changes[name] = [None if obj.pk is None else str(before), str(value)]
        setattr(obj, name, value)
    return changes


def _full_clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ApplicationError("invalid_input", " ".join(error.messages)) from None
