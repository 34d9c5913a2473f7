"""Who may do what with an event's online activities (线上活动).

- The event's managers (admins of its organization and of those above it; platform operators)
  manage its walls, gift offers, claims and challenges: `manage` on WallPost, GiftOffer,
  GiftClaim, Challenge and ChallengeReport, checked against the event's organization.
- `take_part` on an Event: signed-in people who may view the event post on its wall, claim its
  gifts and report to its challenges (anonymous visitors see the published wall only).
- A gift claim is cancelled by the person who made it or by the event's managers.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _takes_part(user: Any, event: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.can(user, "view", event)


def _is_claimant_or_manager(user: Any, claim: Any) -> bool:
    if getattr(user, "is_authenticated", False) and claim.user_id == user.pk:
        return True
    return policy.can(user, "manage", claim)


def register() -> None:
    from xiaoyou.events.models import (
        Challenge,
        ChallengeReport,
        Event,
        GiftClaim,
        GiftOffer,
        WallPost,
    )
    from xiaoyou.organizations.models import Role

    policy.register(Event, "take_part", role=None, check=_takes_part)
    policy.register(WallPost, "manage", role=Role.ADMIN, org_field="event__org")
    policy.register(GiftOffer, "manage", role=Role.ADMIN, org_field="event__org")
    policy.register(GiftClaim, "manage", role=Role.ADMIN, org_field="offer__event__org")
    policy.register(GiftClaim, "cancel", role=None, check=_is_claimant_or_manager)
    policy.register(Challenge, "manage", role=Role.ADMIN, org_field="event__org")
    policy.register(ChallengeReport, "manage", role=Role.ADMIN, org_field="challenge__event__org")
