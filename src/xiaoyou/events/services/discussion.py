"""活动讨论: comments on an event, replies one level deep, official replies and moderation.

The event's discussion mode decides what a comment does: `open` publishes it at once,
`moderated` keeps it pending (seen by its author only) until a manager publishes it, `closed`
refuses it. Managers of the event (admins of its organization and above) always publish at
once, and speak for the organization: their comments and replies are official (官方回复).
Replying to a reply attaches to the comment it answers, so threads stay one level deep; the
author of the answered comment is told in-app once the reply is published.

A pending comment is also an item of the review queue (kind "events.comment"), so it shows in
the console's to-do list: deciding it there publishes (approve) or hides (reject) the comment,
and moderating it on the event's discussion page decides the item, so the two never disagree.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.core import audit, notifications, policy, ratelimit, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors_engagement as errors
from xiaoyou.events.models import DiscussionMode, Event, EventComment, EventStatus

REPLY_KIND = "events.comment_reply"
REVIEW_KIND = "events.comment"
COMMENT_MAX_LENGTH = 1000
# Anti-spam per person (managers are not limited): (hits, window in seconds).
RATES = ((5, 60), (30, 3600), (100, 86_400))
# The same text again by the same person on the same event within this time is refused.
DUPLICATE_WINDOW = timedelta(minutes=10)
MODERATION_ACTIONS = ("publish", "hide", "delete")


def clean_body(body: str) -> str:
    """Plain text with its line breaks, outer blanks removed; required and limited in length."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ApplicationError(errors.COMMENT_REQUIRED)
    if len(text) > COMMENT_MAX_LENGTH:
        raise ApplicationError(errors.COMMENT_TOO_LONG, limit=COMMENT_MAX_LENGTH)
    return text


def _rate_limit(actor: Any) -> None:
    rules = [
        ratelimit.Rule(f"events:comment:{actor.pk}", ratelimit.Rate(limit, window))
        for limit, window in RATES
    ]
    if ratelimit.hit_all(rules) is not None:
        raise ApplicationError("rate_limited", status=429)


def _reply_target(event: Event, parent: EventComment) -> EventComment:
    """The top-level comment a reply attaches to; it must be a published comment of `event`."""
    # Read again: the caller's copy may be stale (moderated meanwhile).
    parent = EventComment.objects.select_related("author").get(pk=parent.parent_id or parent.pk)
    if parent.event_id != event.pk or parent.status != ModerationStatus.PUBLISHED:
        raise ApplicationError(errors.REPLY_TARGET_INVALID)
    return parent


@transaction.atomic
def comment_post(
    *, actor: Any, event: Event, body: str, parent: EventComment | None = None
) -> EventComment:
    """Posts a comment on `event`, or a reply to one of its published comments.

    Rules: signed-in people who may view the event; a published event whose discussion is not
    closed; 1..COMMENT_MAX_LENGTH characters; no same text twice within DUPLICATE_WINDOW; a rate
    limit per person (not for managers). Moderated discussions keep others' comments pending.
    """
    policy.require(actor, "comment", event)
    if event.status != EventStatus.PUBLISHED or event.discussion == DiscussionMode.CLOSED:
        raise ApplicationError(errors.DISCUSSION_CLOSED)
    text = clean_body(body)
    target = _reply_target(event, parent) if parent is not None else None
    is_manager = policy.can(actor, "manage", event)
    if not is_manager:
        recent = EventComment.objects.filter(
            event=event,
            author=actor,
            body=text,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        ).exclude(status=ModerationStatus.DELETED)
        if recent.exists():
            raise ApplicationError(errors.COMMENT_DUPLICATE)
        _rate_limit(actor)
    pending = event.discussion == DiscussionMode.MODERATED and not is_manager
    comment = EventComment.objects.create(
        event=event,
        author=actor,
        parent=target,
        body=text,
        is_official=is_manager,
        status=ModerationStatus.PENDING if pending else ModerationStatus.PUBLISHED,
    )
    if is_manager:
        audit.record(
            actor=actor,
            action="events.comment.official",
            obj=comment,
            org=event.org,
            changes={"parent": [None, target.pk if target else None]},
        )
    if comment.status == ModerationStatus.PUBLISHED:
        _notify_parent_author(comment)
    else:
        reviews.review_submit(
            obj=comment,
            submitter=actor,
            org=event.org,
            kind=REVIEW_KIND,
            summary=f"{event.title}: {text[:200]}",
        )
    return comment


def _notify_parent_author(comment: EventComment) -> None:
    """Tells the author of the answered comment about a published reply (not their own)."""
    if comment.parent_id is None:
        return
    parent = comment.parent
    assert parent is not None
    if parent.author_id == comment.author_id:
        return
    event = comment.event
    notifications.notify(
        user=parent.author,
        kind=REPLY_KIND,
        context={
            "event_title": event.title,
            "org_name": event.org.name,
            "replier": event.org.name if comment.is_official else str(comment.author),
            "is_official": comment.is_official,
            "reply": comment.body[:200],
            "url": reverse("hall:event", args=[event.pk]) + f"#comment-{parent.pk}",
        },
    )


def _lock(comment: EventComment) -> EventComment:
    return (
        EventComment.objects.select_for_update(of=("self",))
        .select_related("event", "event__org", "author", "parent", "parent__author")
        .get(pk=comment.pk)
    )


def _set_status(comment: EventComment, status: str, actor: Any) -> str:
    """Moves the comment to `status`; returns the status before. Publishing a pending reply
    tells the answered comment's author (once: showing a hidden one again does not)."""
    before = comment.status
    if before == status:
        return before
    comment.status = status
    comment.moderated_by = actor
    comment.save(update_fields=["status", "moderated_by", "updated_at"])
    if before == ModerationStatus.PENDING and status == ModerationStatus.PUBLISHED:
        _notify_parent_author(comment)
    return before


@transaction.atomic
def comment_moderate(*, actor: Any, comment: EventComment, action: str) -> EventComment:
    """Publishes, hides or deletes (soft) a comment; managers of its event only, audited.

    A comment waiting in the review queue is decided there too (publish approves, hide and
    delete reject). Hiding or deleting a comment hides its replies too, since the thread only
    shows replies of published comments.
    """
    if action not in MODERATION_ACTIONS:
        raise ApplicationError(errors.MODERATION_ACTION_UNKNOWN)
    comment = _lock(comment)
    policy.require(actor, "moderate", comment)
    before = comment.status
    after = {
        "publish": ModerationStatus.PUBLISHED,
        "hide": ModerationStatus.HIDDEN,
        "delete": ModerationStatus.DELETED,
    }[action]
    if before == after:
        return comment
    item = reviews.pending_item(comment)
    if item is not None:
        approved = action == "publish"
        reason = "" if approved else str(_("Taken down on the event's discussion page."))
        # The queue's callbacks publish or hide the comment (and notify as usual).
        reviews.review_decide(item=item, actor=actor, approved=approved, reason=reason)
        comment = _lock(comment)
    _set_status(comment, after, actor)
    audit.record(
        actor=actor,
        action=f"events.comment.{action}",
        obj=comment,
        org=comment.event.org,
        changes={"status": [before, after]},
    )
    return comment


@transaction.atomic
def comment_delete(*, actor: Any, comment: EventComment) -> EventComment:
    """The author takes their own comment down (soft delete; its replies go with it)."""
    comment = _lock(comment)
    policy.require(actor, "delete", comment)
    if comment.status == ModerationStatus.PENDING:
        reviews.review_withdraw(obj=comment, actor=actor, reason=str(_("Deleted by its author.")))
    if comment.status != ModerationStatus.DELETED:
        comment.status = ModerationStatus.DELETED
        comment.save(update_fields=["status", "updated_at"])
    return comment


def _approve(comment: EventComment, *, item: Any, actor: Any, reason: str) -> None:
    comment = _lock(comment)
    if comment.status == ModerationStatus.PENDING:
        _set_status(comment, ModerationStatus.PUBLISHED, actor)


def _reject(comment: EventComment, *, item: Any, actor: Any, reason: str) -> None:
    comment = _lock(comment)
    if comment.status in (ModerationStatus.PENDING, ModerationStatus.PUBLISHED):
        _set_status(comment, ModerationStatus.HIDDEN, actor)


def _details(comment: EventComment) -> list[tuple[Any, Any]]:
    return [
        (_("Event"), comment.event.title),
        (_("Author"), str(comment.author)),
        (_("In reply to"), comment.parent.body[:200] if comment.parent else "—"),
        (_("Comment"), comment.body),
        (_("Status"), comment.get_status_display()),
    ]


def register() -> None:
    from xiaoyou.core.models import Channel

    reviews.register(
        REVIEW_KIND,
        model=EventComment,
        label=_("Event comments"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        # A published comment shows itself; a hidden one needs no message either.
        notify_submitter=False,
        order=75,
    )
    notifications.register_kind(
        REPLY_KIND,
        _("Replies to my event comments"),
        default_channels=[Channel.IN_APP],
        description=_("When someone answers your comment on an event"),
        order=46,
    )
