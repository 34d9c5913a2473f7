"""Who may take part in an event's discussion (活动讨论) and moderate it.

- `comment` on an event: any signed-in person who may view it (events.policy `view`).
- `moderate` a comment (publish, hide, delete): admins of the event's organization and above.
- `delete` a comment: its author (managers moderate instead).
- `favorite` an event: any signed-in person who may view it.
- `notify` registrants of an event (群发通知): admins of the event's organization and above.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _signed_in_viewer(user: Any, event: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.can(user, "view", event)


def _is_author(user: Any, comment: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and comment.author_id == user.pk


def register() -> None:
    from xiaoyou.events.models import Event, EventComment
    from xiaoyou.organizations.models import Role

    policy.register(Event, "comment", role=None, check=_signed_in_viewer)
    policy.register(Event, "favorite", role=None, check=_signed_in_viewer)
    policy.register(Event, "notify", role=Role.ADMIN)
    policy.register(EventComment, "moderate", role=Role.ADMIN, org_field="event__org")
    policy.register(EventComment, "delete", role=None, check=_is_author)
