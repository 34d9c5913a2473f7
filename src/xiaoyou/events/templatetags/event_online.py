"""`{% event_online_section event %}`: the event page's online activities (wall, gifts,
challenges) for the hall, shown only when the event has any. Three small queries."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.events import selectors_online as selectors
from xiaoyou.events.models import GiftClaimStatus

register = template.Library()


@register.inclusion_tag("events/hall/_online_section.html", takes_context=True)
def event_online_section(context: Any, event: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    statuses = set(event.wall_posts.values_list("status", flat=True).distinct())
    has_wall = bool(statuses)
    published = (
        event.wall_posts.filter(status=ModerationStatus.PUBLISHED).count() if has_wall else 0
    )
    offers = list(selectors.gift_offers(event))
    mine = selectors.gift_claims_of(user, event) if offers else {}
    for offer in offers:
        claim = mine.get(offer.pk)
        offer.my_claim = (  # type: ignore[attr-defined]
            claim if claim is not None and claim.status != GiftClaimStatus.CANCELLED else None
        )
        offer.left = max(offer.stock - offer.claimed, 0)  # type: ignore[attr-defined]
    challenges = list(selectors.challenges(event))
    # The wall is offered on every online event and on any event that already has posts.
    show_wall = has_wall or event.kind == "online" or bool(offers) or bool(challenges)
    return {
        "event": event,
        "show": show_wall or bool(offers) or bool(challenges),
        "show_wall": show_wall,
        "published": published,
        "offers": offers,
        "challenges": challenges,
        "request": request,
    }


@register.filter
def amount(value: Any) -> str:
    """12.50 -> "12.5", 10.00 -> "10": challenge figures as people write them."""
    from decimal import Decimal

    from xiaoyou.events.services.online import plain_number

    if value is None or value == "":
        return ""
    return plain_number(Decimal(str(value)))
