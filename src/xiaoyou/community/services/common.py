"""Helpers shared by the board and mutual-help services: text limits, rate limits and the
review-queue decisions on a moderated post."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from xiaoyou.community.models import ModerationStatus
from xiaoyou.core import fragment_cache, ratelimit
from xiaoyou.core.errors import ApplicationError

# The hall home caches its board and mutual-help sections (core.fragment_cache, at most
# HOME_SECTION_SECONDS); the services announce every write that changes what they show.
BOARD_TOPIC = "community.board"
HELP_TOPIC = "community.help"
HOME_SECTION_SECONDS = 30

# Anti-spam: (key, limit, window in seconds) per user and kind of write.
RATES: dict[str, list[tuple[int, int]]] = {
    "message": [(5, 600), (20, 86_400)],
    "reply": [(20, 600), (100, 86_400)],
    "help": [(3, 600), (10, 86_400)],
    "report": [(20, 86_400)],
}


def clean_text(value: str, *, max_length: int, required_code: str, required: bool = True) -> str:
    """Plain text with its line breaks; Windows line ends normalized, outer blanks removed."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ApplicationError(required_code)
    if len(text) > max_length:
        raise ApplicationError("community_too_long")
    return text


def rate_limit(actor: Any, kind: str) -> None:
    """Refuses the write (429) when the user has posted too much of `kind` lately."""
    rules = [
        ratelimit.Rule(f"community:{kind}:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in RATES[kind]
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


def moderation_approve(post: Any, *, topic: str) -> None:
    """The review queue approved a post (a board message or a help post): it is published."""
    if post.status == ModerationStatus.PENDING:
        post.status = ModerationStatus.PUBLISHED
        post.published_at = timezone.now()
        post.save(update_fields=["status", "published_at", "updated_at"])
        fragment_cache.invalidate(topic)


def moderation_reject(post: Any, *, topic: str) -> None:
    """Pre-moderated posts are never shown; post-moderated ones are taken down."""
    if post.status == ModerationStatus.PENDING:
        post.status = ModerationStatus.REJECTED
    elif post.status == ModerationStatus.PUBLISHED:
        post.status = ModerationStatus.HIDDEN
    else:
        return
    post.save(update_fields=["status", "updated_at"])
    fragment_cache.invalidate(topic)
