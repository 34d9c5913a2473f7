"""收藏: a person keeps events they want to find again (listed in My events → Favorited)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from xiaoyou.core import policy
from xiaoyou.events.models import Event, EventFavorite


@transaction.atomic
def favorite_toggle(*, actor: Any, event: Event) -> bool:
    """Stars `event` for the actor, or unstars it; returns whether it is now a favorite.

    Rule: signed-in people who may view the event. A double click racing itself ends starred
    (the unique constraint refuses the second row), never with two rows.
    """
    policy.require(actor, "favorite", event)
    deleted, _rows = EventFavorite.objects.filter(user=actor, event=event).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            EventFavorite.objects.create(user=actor, event=event)
    except IntegrityError:
        pass  # starred meanwhile by a concurrent request
    return True
