"""抽奖: prizes of an event and draws among its checked-in attendees, re-verifiable by anyone.

Who may draw: whoever manages the event (policy "manage" on Event).

The pool of a draw is the event's registrations that are confirmed and checked in, minus those
who already won this prize, minus those who won any prize of the event unless the prize allows
earlier winners. It is recorded as the ascending list of registration ids, published with
`pool_digest` = sha256 of those ids written as "12,15,31" (ASCII, no spaces).

Winners are chosen by `winners_pick(seed, pool, count)`, an algorithm anyone can re-run in any
language: for every id in the pool compute the hex sha256 of the UTF-8 text "<seed>:<id>"
(e.g. "9f2c...:15"), sort the ids by that hex digest ascending (ties, which sha256 makes
practically impossible, by id), and take the first `count`. The seed is 32 random bytes from
`secrets` written as 64 hex characters, chosen by the server at the moment of the draw, after
the pool is fixed. `lottery_verify(draw=...)` re-runs this on the recorded seed and pool.

Draws of one event are serialized: the event's prize rows are locked (SELECT ... FOR UPDATE)
for the whole draw, so two draws at the same moment can neither exceed a prize's quantity nor
pick the same person twice; the unique (prize, registration) constraint is the last guard.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, notifications, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    Event,
    LotteryDraw,
    LotteryPrize,
    LotteryWinner,
    Registration,
    RegistrationStatus,
)

WON = "events.lottery_won"
# The pick in words, published with every draw record (the module docstring has the details).
ALGORITHM = (
    "pool_digest = sha256(ascending registration ids joined by ',' as ASCII), hex; "
    "rank each id by sha256('<seed>:<id>' as UTF-8), hex, ascending (ties by id); "
    "the winners are the first <count> ids, in that order."
)
QUANTITY_LIMIT = 10_000
MANAGE = "manage"


# --- The algorithm (pure, documented above) ----------------------------------------------


def pool_text(pool: list[int]) -> str:
    """The pool as published: ids in ascending order, comma-separated ("12,15,31")."""
    return ",".join(str(registration_id) for registration_id in pool)


def pool_digest(pool: list[int]) -> str:
    """sha256 (hex) of `pool_text(pool)`."""
    return hashlib.sha256(pool_text(pool).encode("ascii")).hexdigest()


def ticket_digest(seed: str, registration_id: int) -> str:
    """The rank of one id in a draw: hex sha256 of "<seed>:<id>"."""
    return hashlib.sha256(f"{seed}:{registration_id}".encode()).hexdigest()


def winners_pick(seed: str, pool: list[int], count: int) -> list[int]:
    """The first `count` ids of `pool` ranked by `ticket_digest(seed, id)` ascending, in that
    order (the first is position 1). Deterministic: the same seed and pool give the same list."""
    ranked = sorted(
        pool, key=lambda registration_id: (ticket_digest(seed, registration_id), registration_id)
    )
    return ranked[: max(count, 0)]


# --- Reads the services need ---------------------------------------------------------------


def lottery_pool(prize: LotteryPrize) -> list[int]:
    """Ids (ascending) of the registrations that may win `prize` now: confirmed, checked in,
    not a winner of this prize, and not a winner of any prize of the event unless the prize
    allows earlier winners."""
    winners = LotteryWinner.objects.filter(prize__event_id=prize.event_id)
    if prize.allow_previous_winners:
        winners = winners.filter(prize=prize)
    eligible = (
        Registration.objects.filter(
            event_id=prize.event_id,
            status=RegistrationStatus.CONFIRMED,
            checked_in_at__isnull=False,
        )
        .exclude(pk__in=winners.values("registration_id"))
        .order_by("pk")
    )
    return list(eligible.values_list("pk", flat=True))


def winners_count(prize: LotteryPrize) -> int:
    return LotteryWinner.objects.filter(prize=prize).count()


# --- Prizes --------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()[:60]
    if not name:
        raise ApplicationError(errors.LOTTERY_PRIZE_NAME_REQUIRED)
    return name


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= QUANTITY_LIMIT:
        raise ApplicationError(errors.LOTTERY_QUANTITY_INVALID, limit=QUANTITY_LIMIT)


def prize_create(
    *,
    actor: Any,
    event: Event,
    name: str,
    quantity: int = 1,
    description: str = "",
    allow_previous_winners: bool = False,
) -> LotteryPrize:
    """Adds a prize to the event's lottery, listed after the existing ones."""
    policy.require(actor, MANAGE, event)
    name = _clean_name(name)
    _check_quantity(quantity)
    with transaction.atomic():
        last = event.lottery_prizes.order_by("-position").values_list("position", flat=True).first()
        prize = LotteryPrize.objects.create(
            event=event,
            name=name,
            description=(description or "").strip()[:200],
            quantity=quantity,
            allow_previous_winners=allow_previous_winners,
            position=(last or 0) + 1,
        )
        audit.record(
            actor=actor,
            action="events.lottery_prize_create",
            obj=prize,
            org=event.org,
            changes={
                "name": [None, prize.name],
                "quantity": [None, prize.quantity],
                "allow_previous_winners": [None, prize.allow_previous_winners],
            },
        )
    return prize


def prize_update(
    *,
    actor: Any,
    prize: LotteryPrize,
    name: str,
    quantity: int,
    description: str = "",
    allow_previous_winners: bool = False,
) -> LotteryPrize:
    """Changes a prize; its quantity never drops below the winners already drawn."""
    policy.require(actor, MANAGE, prize.event)
    name = _clean_name(name)
    _check_quantity(quantity)
    with transaction.atomic():
        locked = LotteryPrize.objects.select_for_update().get(pk=prize.pk)
        drawn = winners_count(locked)
        if quantity < drawn:
            raise ApplicationError(errors.LOTTERY_QUANTITY_BELOW_WINNERS, winners=drawn)
        fields = ["name", "description", "quantity", "allow_previous_winners"]
        before = audit.snapshot(locked, fields)
        locked.name = name
        locked.description = (description or "").strip()[:200]
        locked.quantity = quantity
        locked.allow_previous_winners = allow_previous_winners
        locked.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="events.lottery_prize_update",
            obj=locked,
            org=prize.event.org,
            changes=audit.diff(before, audit.snapshot(locked, fields)),
        )
    for field in fields:
        setattr(prize, field, getattr(locked, field))
    return prize


def prize_delete(*, actor: Any, prize: LotteryPrize) -> None:
    """Deletes a prize that nobody has won yet (a drawn prize stays, with its record)."""
    policy.require(actor, MANAGE, prize.event)
    with transaction.atomic():
        locked = LotteryPrize.objects.select_for_update().get(pk=prize.pk)
        if winners_count(locked) or LotteryDraw.objects.filter(prize=locked).exists():
            raise ApplicationError(errors.LOTTERY_PRIZE_HAS_WINNERS)
        audit.record(
            actor=actor,
            action="events.lottery_prize_delete",
            obj=locked,
            org=prize.event.org,
            changes={"name": [locked.name, None], "quantity": [locked.quantity, None]},
        )
        locked.delete()


# --- Draws ---------------------------------------------------------------------------------


def lottery_draw(*, actor: Any, prize: LotteryPrize, count: int) -> LotteryDraw:
    """Draws `count` winners of `prize` among the eligible attendees (see the module's rules).

    `count` must be between 1 and what is left of the prize, and no more than the pool. The
    draw, its winners and the winners' in-app notifications are written in one transaction,
    with every prize row of the event locked so concurrent draws run one after the other.
    """
    event = prize.event
    policy.require(actor, MANAGE, event)
    with transaction.atomic():
        # Lock all prizes of the event (in id order, so two draws never deadlock): a draw of
        # another prize at the same moment must see this draw's winners.
        locked = {
            row.pk: row
            for row in LotteryPrize.objects.select_for_update().filter(event=event).order_by("pk")
        }
        current = locked.get(prize.pk)
        if current is None:
            raise ApplicationError("not_found", status=404)
        left = current.quantity - winners_count(current)
        if left <= 0:
            raise ApplicationError(errors.LOTTERY_PRIZE_EXHAUSTED)
        if not 1 <= count <= left:
            raise ApplicationError(errors.LOTTERY_COUNT_INVALID, left=left)
        pool = lottery_pool(current)
        if count > len(pool):
            raise ApplicationError(errors.LOTTERY_POOL_TOO_SMALL, pool=len(pool))
        seed = secrets.token_hex(32)
        draw = LotteryDraw.objects.create(
            event=event,
            prize=current,
            count=count,
            seed=seed,
            pool=pool,
            pool_digest=pool_digest(pool),
            drawn_at=timezone.now(),
            drawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        picked = winners_pick(seed, pool, count)
        LotteryWinner.objects.bulk_create(
            [
                LotteryWinner(
                    draw=draw, prize=current, registration_id=registration_id, position=index
                )
                for index, registration_id in enumerate(picked, start=1)
            ]
        )
        audit.record(
            actor=actor,
            action="events.lottery_draw",
            obj=draw,
            org=event.org,
            changes={
                "prize": current.name,
                "count": count,
                "seed": seed,
                "pool_size": len(pool),
                "pool_digest": draw.pool_digest,
                "winners": picked,
            },
        )
        _notify_winners(event, current, picked)
    return draw


def _notify_winners(event: Event, prize: LotteryPrize, registration_ids: list[int]) -> None:
    winners = Registration.objects.filter(pk__in=registration_ids, user__isnull=False)
    url = reverse("hall:event", args=[event.pk])
    for registration in winners.select_related("user"):
        notifications.notify(
            user=registration.user,
            kind=WON,
            context={
                "event_title": event.title,
                "prize_name": prize.name,
                "name": registration.name,
                "url": url,
            },
        )


def lottery_verify(*, draw: LotteryDraw) -> bool:
    """True when the recorded draw is consistent: the pool is ascending and matches its
    digest, and `winners_pick` on the recorded seed and pool gives exactly the recorded
    winners in their order."""
    pool = draw.pool
    if not isinstance(pool, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in pool
    ):
        return False
    if pool != sorted(set(pool)) or pool_digest(pool) != draw.pool_digest:
        return False
    recorded = [winner.registration_id for winner in draw.winners.all()]  # ordered by position
    return len(recorded) == draw.count and winners_pick(draw.seed, pool, draw.count) == recorded


def register_notification_kind() -> None:
    from xiaoyou.core.models import Channel

    notifications.register_kind(
        WON,
        _("Lottery prize won"),
        default_channels=[Channel.IN_APP],
        description=_("When you win a prize in an event's lottery"),
        order=46,
    )
