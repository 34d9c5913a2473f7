"""Error codes of the events discussion (活动讨论), favorites and notices to registrants (群发通知).

Raised as core.errors.ApplicationError; the messages are registered on import (the services
import this module).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

DISCUSSION_CLOSED = "events.discussion_closed"
COMMENT_REQUIRED = "events.comment_required"
COMMENT_TOO_LONG = "events.comment_too_long"
COMMENT_DUPLICATE = "events.comment_duplicate"
REPLY_TARGET_INVALID = "events.reply_target_invalid"
MODERATION_ACTION_UNKNOWN = "events.moderation_action_unknown"
NOTICE_CHANNEL_REQUIRED = "events.notice_channel_required"
NOTICE_TEXT_REQUIRED = "events.notice_text_required"
NOTICE_TOO_LONG = "events.notice_too_long"
NOTICE_NO_RECIPIENTS = "events.notice_no_recipients"
NOTICE_RATE_LIMITED = "events.notice_rate_limited"

register_messages(
    {
        DISCUSSION_CLOSED: _("Comments are closed for this event."),
        COMMENT_REQUIRED: _("Please write a comment."),
        COMMENT_TOO_LONG: _("A comment may have at most %(limit)s characters."),
        COMMENT_DUPLICATE: _("You have just posted the same comment."),
        REPLY_TARGET_INVALID: _("This comment cannot be replied to."),
        MODERATION_ACTION_UNKNOWN: _("Unknown moderation action."),
        NOTICE_CHANNEL_REQUIRED: _("Choose at least one channel."),
        NOTICE_TEXT_REQUIRED: _("Please give the notice a title and a message."),
        NOTICE_TOO_LONG: _("The message may have at most %(limit)s characters."),
        NOTICE_NO_RECIPIENTS: _("No registrant with an account matches this audience."),
        NOTICE_RATE_LIMITED: _("Too many notices for this event lately. Try again later."),
    }
)
