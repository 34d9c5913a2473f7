"""Reads of the polls app: the polls a person sees or manages, results under the poll's
visibility rule, the vote of a person, canvassing links with their votes, comments and the
statistics (数据统计)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import policy
from xiaoyou.polls.models import (
    CanvassLink,
    Poll,
    PollComment,
    PollOption,
    PollStatus,
    ResultsVisibility,
    Vote,
    VoteChoice,
)

HALL_STATUSES = (PollStatus.PUBLISHED, PollStatus.PAUSED, PollStatus.CLOSED)


def polls_in_hall() -> QuerySet[Poll]:
    """Polls the hall lists: published, paused or closed, shown, not deleted."""
    return (
        Poll.objects.filter(status__in=HALL_STATUSES, is_visible=True, deleted_at__isnull=True)
        .select_related("org")
        .order_by("-created_at", "-id")
    )


def polls_managed(user: Any) -> QuerySet[Poll]:
    """Polls `user` manages (their organizations and those below), deleted ones left out."""
    queryset = Poll.objects.filter(deleted_at__isnull=True).select_related("org")
    return policy.scoped(queryset, user, "manage")


def poll_options(poll: Poll) -> list[PollOption]:
    return list(poll.options.order_by("position", "id"))


def vote_of(user: Any, poll: Poll) -> Vote | None:
    """The person's vote on `poll` with its choices (None when not voted)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Vote.objects.filter(poll=poll, user=user).prefetch_related("choices").first()


def is_open(poll: Poll, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        poll.status == PollStatus.PUBLISHED
        and poll.deleted_at is None
        and poll.starts_at <= now < poll.ends_at
    )


def is_over(poll: Poll, *, now: dt.datetime | None = None) -> bool:
    return poll.status == PollStatus.CLOSED or poll.ends_at <= (now or timezone.now())


def results_visible(user: Any, poll: Poll, *, has_voted: bool) -> bool:
    """The results-visibility rule: always; after the visitor voted; after the poll is over
    (closed or past its end); staff only. Managers always see them."""
    if policy.can(user, "manage", poll):
        return True
    rule = poll.results_visibility
    if rule == ResultsVisibility.ALWAYS:
        return True
    if rule == ResultsVisibility.AFTER_VOTE:
        return has_voted or is_over(poll)
    if rule == ResultsVisibility.AFTER_CLOSE:
        return is_over(poll)
    return False


@dataclass(frozen=True)
class OptionResult:
    option: PollOption
    votes: int
    percent: int  # of the voters (multiple choice may add up to more than 100)


def results(poll: Poll, options: list[PollOption] | None = None) -> list[OptionResult]:
    """Votes per option from the counters, with shares of the voters."""
    options = options if options is not None else poll_options(poll)
    total = poll.vote_count
    return [
        OptionResult(
            option=option,
            votes=option.vote_count,
            percent=round(option.vote_count * 100 / total) if total else 0,
        )
        for option in options
    ]


def canvass_links(poll: Poll) -> QuerySet[CanvassLink]:
    """Every canvassing link of the poll with its option and sharer, most votes first."""
    return (
        CanvassLink.objects.filter(poll=poll)
        .select_related("option", "sharer")
        .order_by("-vote_count", "option__position", "id")
    )


def comments_for(user: Any, poll: Poll) -> QuerySet[PollComment]:
    """Published comments, plus the visitor's own pending ones."""
    visible = Q(status=ModerationStatus.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        visible |= Q(author=user, status=ModerationStatus.PENDING)
    return poll.comment_set.filter(visible).select_related("author").order_by("-created_at", "-id")


def comments_to_moderate(poll: Poll, status: str = "") -> QuerySet[PollComment]:
    queryset = poll.comment_set.exclude(status=ModerationStatus.DELETED)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("author").order_by("-created_at", "-id")


def flagged_votes(poll: Poll) -> QuerySet[Vote]:
    return (
        Vote.objects.filter(poll=poll, is_flagged=True)
        .select_related("user", "canvass_link")
        .order_by("-created_at", "-id")
    )


def vote_records(poll: Poll) -> QuerySet[Vote]:
    """Every vote of the poll (the audit trail) with its voter, link and options: two queries."""
    return (
        Vote.objects.filter(poll=poll)
        .select_related("user", "canvass_link", "canvass_link__sharer")
        .prefetch_related("options")
        .order_by("created_at", "id")
    )


@dataclass
class PollStatistics:
    total: int = 0
    flagged: int = 0
    verified: int = 0
    through_links: int = 0
    by_option: list[tuple[str, int]] = field(default_factory=list)
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    by_hour: list[tuple[str, int]] = field(default_factory=list)
    by_class_year: list[tuple[str, int]] = field(default_factory=list)
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_link: list[tuple[str, int]] = field(default_factory=list)


def poll_statistics(poll: Poll) -> PollStatistics:
    """Figures from the Vote rows (not the counters): per option (VoteChoice), per local day
    and hour, verified or not, class year and department, canvassing link. Four queries
    whatever the number of votes: the votes' few columns, the choices per option, the options,
    the links."""
    stats = PollStatistics()
    rows = list(
        Vote.objects.filter(poll=poll).values_list(
            "created_at", "is_verified", "class_year", "department", "is_flagged", "canvass_link"
        )
    )
    days: Counter[dt.date] = Counter()
    hours: Counter[str] = Counter()
    years: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    for created_at, is_verified, class_year, department, is_flagged, link_id in rows:
        local = timezone.localtime(created_at)
        days[local.date()] += 1
        hours[local.strftime("%Y-%m-%d %H:00")] += 1
        stats.total += 1
        stats.verified += int(is_verified)
        stats.flagged += int(is_flagged)
        stats.through_links += int(link_id is not None)
        if class_year:
            years[str(class_year)] += 1
        if department:
            departments[department] += 1
    counts = dict(
        VoteChoice.objects.filter(vote__poll=poll)
        .values("option")
        .annotate(n=Count("id"))
        .values_list("option", "n")
    )
    stats.by_option = [
        (option.label, counts.get(option.pk, 0))
        for option in poll.options.order_by("position", "id")
    ]
    stats.by_day = sorted(days.items())
    stats.by_hour = sorted(hours.items())
    stats.by_class_year = sorted(years.items())
    stats.by_department = sorted(departments.items(), key=lambda item: (-item[1], item[0]))
    stats.by_link = [
        (f"{link.option.label} · {link.sharer or '—'} · {link.token}", link.vote_count)
        for link in canvass_links(poll)
        if link.vote_count
    ]
    return stats
