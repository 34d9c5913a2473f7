"""Reads of the lottery (抽奖) of one event: prizes with what is left, draws, winners.

Callers pass an event they already checked (the console's `managed_event`); every function
here is a fixed number of queries whatever the number of prizes, draws or winners.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from xiaoyou.events.models import (
    Event,
    LotteryDraw,
    LotteryPrize,
    LotteryWinner,
    Registration,
    RegistrationStatus,
)


@dataclass(frozen=True)
class PrizeRow:
    prize: LotteryPrize
    winners: int

    @property
    def left(self) -> int:
        return max(self.prize.quantity - self.winners, 0)


def prizes_of(event: Event) -> list[PrizeRow]:
    """The event's prizes in their order, each with its winners so far (one query)."""
    prizes = LotteryPrize.objects.filter(event=event).annotate(drawn=Count("winners"))
    return [PrizeRow(prize=prize, winners=prize.drawn) for prize in prizes]  # type: ignore[attr-defined]


def winners_of(event: Event) -> QuerySet[LotteryWinner]:
    """Every winner of the event, latest draw first, with prize and registration joined."""
    return (
        LotteryWinner.objects.filter(prize__event=event)
        .select_related("prize", "draw", "registration", "registration__ticket_type")
        .order_by("-draw__drawn_at", "-draw_id", "position")
    )


def draws_of(event: Event) -> QuerySet[LotteryDraw]:
    """The event's draws, latest first, with their prize, who drew and their winners (in order)
    prefetched, so verifying every draw costs no further query."""
    return (
        LotteryDraw.objects.filter(event=event)
        .select_related("prize", "drawn_by")
        .prefetch_related(
            Prefetch("winners", queryset=LotteryWinner.objects.order_by("position", "id"))
        )
    )


def _checked_in(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
    )


def checked_in_count(event: Event) -> int:
    """Confirmed attendees checked in: everyone who may take part in the lottery."""
    return _checked_in(event).count()


def pool_names(event: Event, limit: int = 300) -> list[str]:
    """Names of checked-in confirmed attendees, for the venue screen's rolling animation only
    (the draw itself happens on the server)."""
    return list(_checked_in(event).order_by("pk").values_list("name", flat=True)[:limit])
