"""`{% event_photos event %}`: the photos section of an event's hall page (活动掠影)."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoyou.content import policy as content_policy
from xiaoyou.content import selectors

register = template.Library()


@register.inclusion_tag("content/hall/_event_photos.html", takes_context=True)
def event_photos(context: Any, event: Any) -> dict[str, Any]:
    """A few published photos of the event's album; the upload link for its registrants (and
    whoever the album lets upload). Two queries; nothing shown for an event without an album
    the visitor could add to."""
    request = context.get("request")
    user = getattr(request, "user", None)
    album, photos = selectors.event_photos_preview(event)
    if album is not None and not content_policy.can_view_album(user, album):
        album, photos = None, []
    if album is not None:
        may_upload = content_policy.can_upload(user, album)
    else:
        may_upload = _registrant(user, event) or _manager(user, event)
    return {"event": event, "album": album, "photos": photos, "may_upload": may_upload}


def _registrant(user: Any, event: Any) -> bool:
    from xiaoyou.events.models import Registration, RegistrationStatus

    if not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.filter(
        event=event, user_id=user.pk, status=RegistrationStatus.CONFIRMED
    ).exists()


def _manager(user: Any, event: Any) -> bool:
    from xiaoyou.events.policy import is_manager

    return is_manager(user, event)
