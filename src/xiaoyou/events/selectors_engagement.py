"""Reads of the discussion (活动讨论), favorites and notices, scoped by the events policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.events.models import Event, EventComment, EventFavorite


def _seen_by(viewer: Any) -> Q:
    """Published comments, and the viewer's own ones still waiting for review."""
    seen = Q(status=ModerationStatus.PUBLISHED)
    if getattr(viewer, "is_authenticated", False):
        seen |= Q(status=ModerationStatus.PENDING, author_id=viewer.pk)
    return seen


def discussion_thread(event: Event, viewer: Any) -> QuerySet[EventComment]:
    """The hall thread of `event`: top-level comments the viewer may see, newest first, each
    with `shown_replies` (the replies the viewer may see, oldest first) prefetched with their
    authors: two queries for a page whatever its length."""
    replies = (
        EventComment.objects.filter(_seen_by(viewer))
        .select_related("author")
        .order_by("created_at", "id")
    )
    return (
        EventComment.objects.filter(_seen_by(viewer), event=event, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
        .order_by("-created_at", "-id")
    )


def comments_for_console(event: Event) -> QuerySet[EventComment]:
    """Every comment and reply of `event` (deleted ones too) for its managers, with the author,
    the answered comment and the moderator joined: one query per page."""
    return EventComment.objects.filter(event=event).select_related(
        "author", "parent", "parent__author", "moderated_by"
    )


def is_favorite(user: Any, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return EventFavorite.objects.filter(user=user, event=event).exists()


def favorite_events(user: Any) -> QuerySet[Event]:
    """Events the user starred and may still see, most recently starred first (one query)."""
    from xiaoyou.events.selectors import events_visible_to

    if not getattr(user, "is_authenticated", False):
        return Event.objects.none()
    mine = EventFavorite.objects.filter(user=user, event_id=OuterRef("pk"))
    return (
        events_visible_to(user)
        .filter(Exists(mine))
        .annotate(favorited_at=Subquery(mine.values("created_at")[:1]))
        .order_by("-favorited_at", "-id")
    )
