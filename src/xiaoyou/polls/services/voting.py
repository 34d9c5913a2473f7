"""投票 and 拉票: casting a vote, and the canvassing links that bring votes to an option.

One vote per person per poll: the unique constraint (poll, user) decides, even for two
requests racing each other. A WeChat identity is one account (the WeChat provider's uid is the
unionid when WeChat gives one, and allauth keeps (provider, uid) unique), so it votes once too. A vote counts only while the poll is published and inside its
window: the poll's counter is moved by an UPDATE conditioned on both, in the transaction that
inserts the Vote, so pausing or closing a poll and voting never overlap. Every counter moves by
F() + 1 in the database (never read, add and write back), so concurrent votes never lose a
count and the counters always equal the Vote rows.

Anti-abuse: rate limits per person and per IP address; each Vote keeps keyed hashes of the IP
address, of a device cookie and of the user agent, the canvassing link used, and the voter's
alumni attributes at the time. When one address (or one browser) votes from several accounts
within DUPLICATE_WINDOW, those votes are flagged for staff (刷票检测).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from xiaoyou.core import policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.polls import errors
from xiaoyou.polls.models import CanvassLink, Poll, PollOption, PollStatus, Vote, VoteChoice
from xiaoyou.polls.services.polls import link_create

# Per person and per IP address: (hits, window in seconds).
USER_RATES = ((10, 60), (100, 3600))
IP_RATES = ((30, 60), (300, 3600))
DUPLICATE_WINDOW = timedelta(minutes=10)
# Distinct accounts within the window from which votes get flagged: one IP address is often a
# whole office or campus behind NAT, one browser is one person.
IP_ACCOUNTS_FLAGGED = 3
DEVICE_ACCOUNTS_FLAGGED = 2
FLAG_IP = "ip"
FLAG_DEVICE = "device"


def keyed_hash(value: str) -> str:
    """A keyed hash (HMAC-SHA256 with the site's secret) of an address or a cookie; ''."""
    if not value:
        return ""
    key = f"xiaoyou.polls:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), sha256).hexdigest()


@dataclass(frozen=True)
class Origin:
    """Where a vote came from (the view fills it from the request)."""

    ip: str = ""
    user_agent: str = ""
    device_id: str = ""  # the hall's long-lived device cookie


def _refusal(poll_id: int) -> ApplicationError:
    """Why a poll does not take votes right now (read after the conditional UPDATE failed)."""
    poll = Poll.objects.filter(pk=poll_id).only("status", "starts_at", "ends_at", "deleted_at")
    found = poll.first()
    now = timezone.now()
    if found is None or found.deleted_at is not None:
        return ApplicationError(errors.NOT_OPEN)
    if found.status == PollStatus.PAUSED:
        return ApplicationError(errors.PAUSED)
    if found.status == PollStatus.CLOSED or found.ends_at <= now:
        return ApplicationError(errors.ENDED)
    if found.status != PollStatus.PUBLISHED:
        return ApplicationError(errors.NOT_OPEN)
    return ApplicationError(errors.NOT_STARTED)


def _selected(poll: Poll, option_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(option_ids))
    if len(ids) != len(option_ids):
        raise ApplicationError(errors.OPTION_INVALID)
    valid = set(PollOption.objects.filter(poll=poll, pk__in=ids).values_list("pk", flat=True))
    if len(valid) != len(ids):
        raise ApplicationError(errors.OPTION_INVALID)
    if len(ids) < poll.min_choices:
        raise ApplicationError(errors.TOO_FEW_CHOICES, limit=poll.min_choices)
    if len(ids) > poll.max_choices:
        raise ApplicationError(errors.TOO_MANY_CHOICES, limit=poll.max_choices)
    return ids


def _rate_limit(actor: Any, ip: str) -> None:
    rules = [
        ratelimit.Rule(f"polls:vote:user:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in USER_RATES
    ]
    if ip:
        rules += [
            ratelimit.Rule(f"polls:vote:ip:{ip}", ratelimit.Rate(limit, window))
            for limit, window in IP_RATES
        ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


def _voter_attributes(actor: Any) -> dict[str, Any]:
    from xiaoyou.directory.selectors import own_record

    record = own_record(actor)
    if record is None:
        return {"is_verified": False, "class_year": None, "department": ""}
    return {
        "is_verified": True,
        "class_year": record.enrollment_year or record.graduation_year,
        "department": record.department.name[:100] if record.department is not None else "",
    }


def link_for_token(poll: Poll, token: str) -> CanvassLink | None:
    if not token:
        return None
    return CanvassLink.objects.filter(poll=poll, token=token[:16]).first()


def _flag_duplicates(vote: Vote) -> None:
    """Flags this vote and the recent ones sharing its address or browser across accounts."""
    since = vote.created_at - DUPLICATE_WINDOW
    recent = Vote.objects.filter(poll_id=vote.poll_id, created_at__gte=since)
    for field, reason, threshold in (
        ("device_hash", FLAG_DEVICE, DEVICE_ACCOUNTS_FLAGGED),
        ("ip_hash", FLAG_IP, IP_ACCOUNTS_FLAGGED),
    ):
        value = getattr(vote, field)
        if not value:
            continue
        same = recent.filter(**{field: value})
        accounts = same.aggregate(n=Count("user_id", distinct=True))["n"]
        if accounts >= threshold:
            same.filter(is_flagged=False).update(is_flagged=True, flag_reason=reason)
            vote.is_flagged, vote.flag_reason = True, reason
            return


def vote_cast(
    *,
    actor: Any,
    poll: Poll,
    option_ids: Sequence[int],
    link_token: str = "",
    origin: Origin | None = None,
) -> Vote:
    """Casts `actor`'s vote on `poll` for the options `option_ids`.

    Rules: the poll's audience may vote (policy "vote"); only while published and between
    starts_at and ends_at; the selection within the poll's limits and among its options; one
    vote per person (a second one is refused with ALREADY_VOTED); rate limits per person and
    per IP address. A vote through a canvassing link of the poll is attributed to the link.
    """
    origin = origin or Origin()
    if not policy.can(actor, "vote", poll):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    ids = _selected(poll, option_ids)
    if Vote.objects.filter(poll=poll, user=actor).exists():
        raise ApplicationError(errors.ALREADY_VOTED, status=409)
    _rate_limit(actor, origin.ip)
    link = link_for_token(poll, link_token)
    attributes = _voter_attributes(actor)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    poll=poll,
                    user=actor,
                    canvass_link=link,
                    ip_hash=keyed_hash(origin.ip),
                    device_hash=keyed_hash(origin.device_id),
                    user_agent_hash=keyed_hash(origin.user_agent[:500]),
                    **attributes,
                )
        except IntegrityError:
            raise ApplicationError(errors.ALREADY_VOTED, status=409) from None
        counted = Poll.objects.filter(
            pk=poll.pk,
            status=PollStatus.PUBLISHED,
            deleted_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
        ).update(vote_count=F("vote_count") + 1)
        if not counted:
            raise _refusal(poll.pk)
        VoteChoice.objects.bulk_create([VoteChoice(vote=vote, option_id=pk) for pk in ids])
        PollOption.objects.filter(poll=poll, pk__in=ids).update(vote_count=F("vote_count") + 1)
        if link is not None:
            CanvassLink.objects.filter(pk=link.pk).update(vote_count=F("vote_count") + 1)
        _flag_duplicates(vote)
    return vote


@transaction.atomic
def canvass_link_share(*, actor: Any, option: PollOption) -> CanvassLink:
    """拉票: `actor`'s own link to `option` (made once, then the same one), so the organizer
    sees how many votes each person's sharing brought."""
    poll = option.poll
    if not getattr(actor, "is_authenticated", False) or not policy.can(actor, "view", poll):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    existing = CanvassLink.objects.filter(option=option, sharer=actor).first()
    return existing or link_create(poll=poll, option=option, sharer=actor)


@transaction.atomic
def canvass_link_official(*, actor: Any, option: PollOption) -> CanvassLink:
    """The organizer's link to `option` (made with the option; made again if missing)."""
    policy.require(actor, "manage", option.poll)
    existing = CanvassLink.objects.filter(option=option, sharer__isnull=True).first()
    return existing or link_create(poll=option.poll, option=option)
