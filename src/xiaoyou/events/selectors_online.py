"""Reads of an event's online activities: its wall, gift offers and claims, challenges and their
leaderboards. Callers check the event's policy (view / manage) first; these take the event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, F, QuerySet, Sum, Window
from django.db.models.functions import Rank, Round

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.events.models import (
    Challenge,
    ChallengeReport,
    Event,
    GiftClaim,
    GiftClaimStatus,
    GiftOffer,
    WallPost,
)

CENT = Decimal("0.01")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The live screen: how many of the newest published posts it keeps in rotation.
SCREEN_POOL_SIZE = 120


def wall_published(event: Event, *, kind: str | None = None) -> QuerySet[WallPost]:
    """The wall as everybody sees it: published posts, newest publication first."""
    queryset = WallPost.objects.filter(event=event, status=ModerationStatus.PUBLISHED)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-published_at", "-id")


def wall_queue(event: Event, *, status: str | None = None) -> QuerySet[WallPost]:
    """The console's moderation queue: posts in `status` (pending by default), oldest first so
    the queue is worked in order, authors joined."""
    queryset = WallPost.objects.filter(event=event).select_related("author")
    queryset = queryset.filter(status=status or ModerationStatus.PENDING)
    return queryset.order_by("created_at", "id")


def wall_cursor(post: WallPost) -> str:
    """A position in the wall's publication order, "<microseconds>.<id>"."""
    assert post.published_at is not None
    # Integer arithmetic: a float timestamp can be a microsecond off, and the screen would then
    # receive the last post again.
    stamp = (post.published_at - EPOCH) // dt.timedelta(microseconds=1)
    return f"{stamp}.{post.pk}"


def _parse_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    stamp, _, post_id = (cursor or "").partition(".")
    if not stamp.isdigit() or not post_id.isdigit():
        return None
    try:
        when = EPOCH + dt.timedelta(microseconds=int(stamp))
    except OverflowError:
        return None
    return when, int(post_id)


def wall_published_since(event: Event, cursor: str, *, limit: int = 50) -> list[WallPost]:
    """Posts published after `cursor` (see `wall_cursor`), in publication order: what the live
    screen has not shown yet. Ordered by publication, not by id: a post written early and
    published late still comes. Without a cursor, the newest `limit` posts."""
    from django.db.models import Q

    published = WallPost.objects.filter(event=event, status=ModerationStatus.PUBLISHED)
    position = _parse_cursor(cursor)
    if position is None:
        newest = list(published.order_by("-published_at", "-id")[:limit])
        return newest[::-1]
    when, post_id = position
    # The cursor keeps microseconds; the database may too: compare on both.
    after = Q(published_at__gt=when) | Q(published_at=when, id__gt=post_id)
    return list(published.filter(after).order_by("published_at", "id")[:limit])


def wall_live_ids(event: Event) -> list[int]:
    """Ids of the posts the screen may keep showing (the newest published ones): a post hidden
    after it reached the screen drops out of its rotation."""
    return list(
        wall_published(event).values_list("pk", flat=True)[:SCREEN_POOL_SIZE],
    )


def gift_offers(event: Event) -> QuerySet[GiftOffer]:
    return GiftOffer.objects.filter(event=event).order_by("id")


def gift_claims(event: Event) -> QuerySet[GiftClaim]:
    """Every claim on the event's offers (console), with the offer and the claimant joined."""
    return GiftClaim.objects.filter(offer__event=event).select_related("offer", "user")


def gift_claims_of(user: Any, event: Event) -> dict[int, GiftClaim]:
    """The user's claim per offer of `event`: the live one, else the latest cancelled one."""
    if not getattr(user, "is_authenticated", False):
        return {}
    result: dict[int, GiftClaim] = {}
    claims = GiftClaim.objects.filter(offer__event=event, user=user).order_by("created_at", "id")
    for claim in claims:
        current = result.get(claim.offer_id)
        if current is None or current.status == GiftClaimStatus.CANCELLED:
            result[claim.offer_id] = claim
    return result


def challenges(event: Event) -> QuerySet[Challenge]:
    return Challenge.objects.filter(event=event).order_by("starts_at", "id")


def challenge_reports(challenge: Challenge) -> QuerySet[ChallengeReport]:
    """Every report of a challenge (console), newest first, with the reporter joined."""
    return ChallengeReport.objects.filter(challenge=challenge).select_related("user")


@dataclass(frozen=True)
class Standing:
    """One line of a leaderboard: competition ranking (two people tied second, then fourth)."""

    rank: int
    user_id: int
    name: str
    total: Decimal
    reports: int


def _board(challenge: Challenge) -> QuerySet[Any]:
    # Totals rounded to cents before ranking: SQLite sums decimals as floats (12.3 + 4.1 is
    # 16.400000000000002 there), which must still tie with a single 16.4.
    total = Round(Sum("amount"), 2, output_field=DecimalField(max_digits=14, decimal_places=2))
    from django.db.models import Count

    return (
        ChallengeReport.objects.filter(challenge=challenge, is_void=False)
        .values("user_id")
        .annotate(
            total=total,
            reports=Count("id"),
            name=F("user__display_name"),
            rank=Window(expression=Rank(), order_by=total.desc()),
        )
        .order_by("rank", "user_id")
    )


def _standing(row: dict[str, Any], fallback_name: str) -> Standing:
    return Standing(
        rank=int(row["rank"]),
        user_id=int(row["user_id"]),
        name=row["name"] or fallback_name,
        total=Decimal(str(row["total"])).quantize(CENT),
        reports=int(row["reports"]),
    )


def challenge_leaderboard(challenge: Challenge, *, limit: int = 50) -> list[Standing]:
    """The leaderboard: each person's sum of non-void reports, highest first, ranked with ties
    (1, 2, 2, 4), in one query."""
    from django.utils.translation import gettext

    fallback = gettext("Alumnus")
    return [_standing(row, fallback) for row in _board(challenge)[:limit]]


def challenge_standing_of(user: Any, challenge: Challenge) -> Standing | None:
    """The user's own line on the leaderboard (rank among everybody), in one query; None when
    they have no counted report."""
    if not getattr(user, "is_authenticated", False):
        return None
    from django.utils.translation import gettext

    sql, params = _board(challenge).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({sql}) board WHERE board.user_id = %s",  # noqa: S608
            [*params, user.pk],
        )
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    if row is None:
        return None
    return _standing(dict(zip(columns, row, strict=True)), gettext("Alumnus"))
