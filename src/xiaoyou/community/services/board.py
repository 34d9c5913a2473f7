"""留言/咨询: posting to an organization's board, replies (official or the author's), moderation.

Moderation follows the organization's rule (CommunitySettings.board_mode): "pre" keeps a public
message pending and invisible until approved in the review queue, "post" publishes it and
queues it for review afterwards (a rejection hides it), "none" publishes it. A private question
is seen by the organization's admins only, so it skips the queue and goes straight to them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from xiaoyou.community import selectors
from xiaoyou.community.models import (
    BoardMessage,
    BoardReply,
    BoardVisibility,
    ModerationStatus,
)
from xiaoyou.community.models.common import BODY_MAX_LENGTH, REPLY_MAX_LENGTH, TITLE_MAX_LENGTH
from xiaoyou.community.services.common import (
    BOARD_TOPIC,
    clean_text,
    moderation_approve,
    moderation_reject,
    rate_limit,
)
from xiaoyou.core import audit, fragment_cache, notifications, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import ContentReviewMode, Organization

MESSAGE_REVIEW_KIND = "community.board_message"
OFFICIAL_REPLY_KIND = "community.official_reply"
MODERATION_ACTIONS = ("hide", "show", "pin", "unpin", "delete")


@transaction.atomic
def board_message_post(
    *, actor: Any, org: Organization, title: str, body: str, visibility: str
) -> BoardMessage:
    """Posts a message or question to `org` (open, not archived), rate-limited per author."""
    message = BoardMessage(org=org, author=actor)
    policy.require(actor, "post", message)
    if visibility not in BoardVisibility.values:
        visibility = BoardVisibility.PUBLIC
    message.visibility = visibility
    message.title = clean_text(
        title, max_length=TITLE_MAX_LENGTH, required_code="community_title_required"
    ).replace("\n", " ")
    message.body = clean_text(
        body, max_length=BODY_MAX_LENGTH, required_code="community_body_required"
    )
    rate_limit(actor, "message")
    mode = selectors.settings_for(org).board_mode()
    if visibility == BoardVisibility.PUBLIC and mode == ContentReviewMode.PRE:
        message.status = ModerationStatus.PENDING
    else:
        message.status = ModerationStatus.PUBLISHED
        message.published_at = timezone.now()
    message.save()
    fragment_cache.invalidate(BOARD_TOPIC)
    if visibility == BoardVisibility.PUBLIC and mode in (
        ContentReviewMode.PRE,
        ContentReviewMode.POST,
    ):
        reviews.review_submit(
            obj=message,
            submitter=actor,
            org=org,
            kind=MESSAGE_REVIEW_KIND,
            summary=f"{message.title} — {message.body[:120]}",
        )
    return message


def _lock(message: BoardMessage) -> BoardMessage:
    return BoardMessage.objects.select_for_update().select_related("org").get(pk=message.pk)


@transaction.atomic
def board_reply_post(*, actor: Any, message: BoardMessage, body: str) -> BoardReply:
    """Replies in a thread. An admin of the message's organization (or above) replies
    officially: audited, the message counts as answered and its author is notified."""
    message = _lock(message)
    policy.require(actor, "reply", message)
    text = clean_text(body, max_length=REPLY_MAX_LENGTH, required_code="community_body_required")
    # An admin answering their own message speaks as a member, not for the organization.
    is_official = message.author_id != actor.pk and policy.can(actor, "moderate", message)
    rate_limit(actor, "reply")
    reply = BoardReply.objects.create(
        message=message, author=actor, body=text, is_official=is_official
    )
    now = timezone.now()
    fields = {"reply_count": F("reply_count") + 1, "last_reply_at": now}
    if is_official and message.answered_at is None:
        fields["answered_at"] = now
    BoardMessage.objects.filter(pk=message.pk).update(**fields)
    fragment_cache.invalidate(BOARD_TOPIC)
    if is_official:
        audit.record(
            actor=actor,
            action="community.message.official_reply",
            obj=message,
            org=message.org,
            changes={"reply": [None, reply.pk]},
        )
        if message.author_id != actor.pk:
            notifications.notify(
                user=message.author,
                kind=OFFICIAL_REPLY_KIND,
                context={
                    "org_name": message.org.name,
                    "title": message.title,
                    "reply": text[:200],
                    "url": reverse("hall:community_message", args=[message.pk]),
                },
            )
    return reply


@transaction.atomic
def board_message_moderate(*, actor: Any, message: BoardMessage, action: str) -> BoardMessage:
    """Hides, shows again, pins, unpins or deletes (soft) a message; admins only, audited."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError("community_unknown_action")
    message = _lock(message)
    policy.require(actor, "moderate", message)
    before = {"status": message.status, "is_pinned": message.is_pinned}
    if action == "hide":
        message.status = ModerationStatus.HIDDEN
    elif action == "show":
        message.status = ModerationStatus.PUBLISHED
        message.published_at = message.published_at or timezone.now()
    elif action == "delete":
        message.status = ModerationStatus.DELETED
        message.is_pinned = False
    else:
        message.is_pinned = action == "pin"
    message.save(update_fields=["status", "is_pinned", "published_at", "updated_at"])
    fragment_cache.invalidate(BOARD_TOPIC)
    after = {"status": message.status, "is_pinned": message.is_pinned}
    audit.record(
        actor=actor,
        action=f"community.message.{action}",
        obj=message,
        org=message.org,
        changes={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return message


@transaction.atomic
def board_reply_set_hidden(*, actor: Any, reply: BoardReply, hidden: bool) -> BoardReply:
    """Hides (or shows again) one reply of a thread; admins only, audited."""
    reply = BoardReply.objects.select_related("message__org").get(pk=reply.pk)
    policy.require(actor, "moderate", reply)
    if reply.is_hidden != hidden:
        reply.is_hidden = hidden
        reply.save(update_fields=["is_hidden", "updated_at"])
        fragment_cache.invalidate(BOARD_TOPIC)
        audit.record(
            actor=actor,
            action="community.reply.hide" if hidden else "community.reply.show",
            obj=reply,
            org=reply.message.org,
            changes={"is_hidden": [not hidden, hidden]},
        )
    return reply


# --- Review queue -------------------------------------------------------------------------------


def _approve(message: BoardMessage, *, item: Any, actor: Any, reason: str) -> None:
    moderation_approve(message, topic=BOARD_TOPIC)


def _reject(message: BoardMessage, *, item: Any, actor: Any, reason: str) -> None:
    moderation_reject(message, topic=BOARD_TOPIC)


def _details(message: BoardMessage) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Organization"), message.org.name),
        (_("Author"), str(message.author)),
        (_("Title"), message.title),
        (_("Message text"), message.body),
        (_("Status"), message.get_status_display()),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.core.models import Channel

    reviews.register(
        MESSAGE_REVIEW_KIND,
        model=BoardMessage,
        label=_("Message board posts"),
        on_approve=_approve,
        on_reject=_reject,
        details=_details,
        order=70,
    )
    notifications.register_kind(
        OFFICIAL_REPLY_KIND,
        _("Official replies to my messages"),
        default_channels=[Channel.IN_APP, Channel.EMAIL],
        order=70,
    )
