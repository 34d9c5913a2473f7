"""Comments on a poll (评论) and their moderation.

The poll's comment mode decides: `open` publishes a comment at once, `moderated` keeps it
pending (seen by its author only) until a manager publishes it, `closed` refuses it. Managers
publish at once. Staff hide or delete (soft) comments; every moderation is audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import audit, policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.polls import errors
from xiaoyou.polls.models import CommentMode, Poll, PollComment, PollStatus

COMMENT_MAX_LENGTH = 500
RATES = ((5, 60), (30, 3600))
DUPLICATE_WINDOW = timedelta(minutes=10)
MODERATION = {
    "publish": ModerationStatus.PUBLISHED,
    "hide": ModerationStatus.HIDDEN,
    "delete": ModerationStatus.DELETED,
}


def _clean(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ApplicationError(errors.COMMENT_REQUIRED)
    if len(text) > COMMENT_MAX_LENGTH:
        raise ApplicationError(errors.COMMENT_TOO_LONG, limit=COMMENT_MAX_LENGTH)
    return text


@transaction.atomic
def comment_post(*, actor: Any, poll: Poll, body: str) -> PollComment:
    """Posts a comment on `poll`: signed-in people who may view it, a poll that is not a draft
    and whose comments are not closed; 1..COMMENT_MAX_LENGTH characters; no same text twice
    within DUPLICATE_WINDOW; rate-limited per person (managers are not limited)."""
    if not policy.can(actor, "comment", poll):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    if poll.comments == CommentMode.CLOSED or poll.status == PollStatus.DRAFT:
        raise ApplicationError(errors.COMMENTS_CLOSED)
    text = _clean(body)
    is_manager = policy.can(actor, "manage", poll)
    if not is_manager:
        recent = PollComment.objects.filter(
            poll=poll, author=actor, body=text, created_at__gte=timezone.now() - DUPLICATE_WINDOW
        ).exclude(status=ModerationStatus.DELETED)
        if recent.exists():
            raise ApplicationError(errors.COMMENT_DUPLICATE)
        rules = [
            ratelimit.Rule(f"polls:comment:{actor.pk}", ratelimit.Rate(limit, window))
            for limit, window in RATES
        ]
        if ratelimit.hit_all(rules) is not None:
            raise ApplicationError("rate_limited", status=429)
    pending = poll.comments == CommentMode.MODERATED and not is_manager
    return PollComment.objects.create(
        poll=poll,
        author=actor,
        body=text,
        status=ModerationStatus.PENDING if pending else ModerationStatus.PUBLISHED,
    )


@transaction.atomic
def comment_moderate(*, actor: Any, comment: PollComment, action: str) -> PollComment:
    """Publishes, hides or deletes (soft) a comment: managers of its poll only, audited."""
    if action not in MODERATION:
        raise ApplicationError(errors.MODERATION_ACTION_UNKNOWN)
    comment = (
        PollComment.objects.select_for_update(of=("self",))
        .select_related("poll", "poll__org")
        .get(pk=comment.pk)
    )
    policy.require(actor, "moderate", comment)
    before, after = comment.status, MODERATION[action]
    if before != after:
        comment.status = after
        comment.moderated_by = actor
        comment.save(update_fields=["status", "moderated_by", "updated_at"])
        audit.record(
            actor=actor,
            action=f"polls.comment.{action}",
            obj=comment,
            org=comment.poll.org,
            changes={"status": [before, after]},
        )
    return comment
