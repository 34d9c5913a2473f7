"""交换名片: asking another verified alumnus to exchange cards, and answering.

Requests are rate-limited per account (against harvesting contact details); the recipient is
notified (in-app, email, WeChat per their preferences) and so is the requester when accepted.
A declined request is not announced to the requester, and the same pair may not ask again
while a request is pending or the cards are exchanged.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from xiaoyou.alumni.models import AlumniRecord
from xiaoyou.core import audit, notifications, policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.directory.models import CardExchange, CardStatus
from xiaoyou.directory.selectors import own_record
from xiaoyou.directory.selectors_directory import directory_records, exchange_between

REQUEST_KIND = "directory.card_request"
ACCEPTED_KIND = "directory.card_accepted"
# Per requester: a few a quarter hour, a day's worth, a week's worth.
REQUEST_RATES: tuple[tuple[int, int], ...] = ((5, 900), (20, 86_400), (50, 7 * 86_400))
MESSAGE_MAX_LENGTH = 200


def _rate_limit(actor: Any) -> None:
    rules = [
        ratelimit.Rule(f"directory:card:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in REQUEST_RATES
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


@transaction.atomic
def card_request_create(
    *, actor: Any, recipient_record: AlumniRecord, message: str = ""
) -> CardExchange:
    """Asks the owner of a directory entry to exchange cards. Both must be verified alumni; one
    open exchange per pair (either direction); rate-limited (REQUEST_RATES)."""
    mine = own_record(actor)
    if mine is None:
        raise ApplicationError("directory_verified_only", status=403)
    target = directory_records().filter(pk=recipient_record.pk).first()
    if target is None or target.user_id is None:
        raise ApplicationError("directory_not_listed", status=404)
    if target.user_id == actor.pk:
        raise ApplicationError("directory_card_self")
    recipient_id: int = target.user_id
    if exchange_between(actor.pk, recipient_id) is not None:
        raise ApplicationError("directory_card_exists", status=409)
    _rate_limit(actor)
    text = (message or "").strip()[:MESSAGE_MAX_LENGTH]
    try:
        with transaction.atomic():
            exchange = CardExchange.objects.create(
                requester=actor, recipient_id=recipient_id, message=text
            )
    except IntegrityError as error:  # a concurrent request of the same pair
        raise ApplicationError("directory_card_exists", status=409) from error
    audit.record(actor=actor, action="directory.card.request", obj=exchange)
    notifications.notify(
        user=target.user,
        kind=REQUEST_KIND,
        context={
            "name": mine.name,
            "year": mine.graduation_year or "",
            "major": mine.major.name if mine.major else "",
            "message": text,
            "url": reverse("hall:directory_cards"),
        },
    )
    return exchange


def _answer(actor: Any, exchange: CardExchange) -> CardExchange:
    locked = CardExchange.objects.select_for_update().get(pk=exchange.pk)
    policy.require(actor, "answer", locked)
    if locked.status != CardStatus.PENDING:
        raise ApplicationError("directory_card_not_pending", status=409)
    return locked


@transaction.atomic
def card_request_accept(*, actor: Any, exchange: CardExchange) -> CardExchange:
    """The recipient accepts: from now on each sees the other's fields that are not "only me"
    and may download the other's vCard. The requester is notified."""
    exchange = _answer(actor, exchange)
    exchange.status = CardStatus.ACCEPTED
    exchange.decided_at = timezone.now()
    exchange.save(update_fields=["status", "decided_at"])
    audit.record(actor=actor, action="directory.card.accept", obj=exchange)
    mine = own_record(actor)
    notifications.notify(
        user=exchange.requester,
        kind=ACCEPTED_KIND,
        context={
            "name": mine.name if mine else str(actor),
            "url": reverse("hall:directory_cards"),
        },
    )
    return exchange


@transaction.atomic
def card_request_decline(*, actor: Any, exchange: CardExchange) -> CardExchange:
    """The recipient declines (the requester is not told, only sees it is no longer pending)."""
    exchange = _answer(actor, exchange)
    exchange.status = CardStatus.DECLINED
    exchange.decided_at = timezone.now()
    exchange.save(update_fields=["status", "decided_at"])
    audit.record(actor=actor, action="directory.card.decline", obj=exchange)
    return exchange


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core.models import Channel

    notifications.register_kind(
        REQUEST_KIND,
        _("Business-card requests"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.WECHAT],
        description=_("When an alumnus asks to exchange business cards with you"),
        order=40,
    )
    notifications.register_kind(
        ACCEPTED_KIND,
        _("Business cards exchanged"),
        default_channels=[Channel.IN_APP, Channel.EMAIL, Channel.WECHAT],
        description=_("When an alumnus accepts your request to exchange cards"),
        order=41,
    )
