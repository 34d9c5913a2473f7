"""Error codes of the polls app, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

ALREADY_VOTED = "polls.already_voted"
NOT_OPEN = "polls.not_open"
NOT_STARTED = "polls.not_started"
ENDED = "polls.ended"
PAUSED = "polls.paused"
NOT_ALLOWED = "polls.not_allowed"
TOO_FEW_CHOICES = "polls.too_few_choices"
TOO_MANY_CHOICES = "polls.too_many_choices"
OPTION_INVALID = "polls.option_invalid"
LIMITS_INVALID = "polls.limits_invalid"
DATES_INVALID = "polls.dates_invalid"
OPTIONS_REQUIRED = "polls.options_required"
OPTION_HAS_VOTES = "polls.option_has_votes"
IMAGE_INVALID = "polls.image_invalid"
TITLE_REQUIRED = "polls.title_required"
STATUS_CHANGE_INVALID = "polls.status_change_invalid"
COMMENTS_CLOSED = "polls.comments_closed"
COMMENT_REQUIRED = "polls.comment_required"
COMMENT_TOO_LONG = "polls.comment_too_long"
COMMENT_DUPLICATE = "polls.comment_duplicate"
MODERATION_ACTION_UNKNOWN = "polls.moderation_action_unknown"
LINK_INVALID = "polls.link_invalid"

register_messages(
    {
        ALREADY_VOTED: _("You have already voted in this poll."),
        NOT_OPEN: _("This poll is not open for voting."),
        NOT_STARTED: _("Voting has not started yet."),
        ENDED: _("Voting has ended."),
        PAUSED: _("Voting is paused for now. Please come back later."),
        NOT_ALLOWED: _("This poll is not open to you."),
        TOO_FEW_CHOICES: _("Choose at least %(limit)s options."),
        TOO_MANY_CHOICES: _("Choose at most %(limit)s options."),
        OPTION_INVALID: _("Choose among the poll's options."),
        LIMITS_INVALID: _(
            "The fewest and most choices must be between 1 and the number of options."
        ),
        DATES_INVALID: _("Voting must close after it opens."),
        OPTIONS_REQUIRED: _("A poll needs at least two options."),
        OPTION_HAS_VOTES: _("An option that has votes cannot be removed."),
        IMAGE_INVALID: _("The image was refused: %(reason)s"),
        TITLE_REQUIRED: _("Please enter a title."),
        STATUS_CHANGE_INVALID: _("The poll cannot go from %(before)s to %(after)s."),
        COMMENTS_CLOSED: _("Comments are closed on this poll."),
        COMMENT_REQUIRED: _("Please write a comment."),
        COMMENT_TOO_LONG: _("A comment has at most %(limit)s characters."),
        COMMENT_DUPLICATE: _("You just posted the same comment."),
        MODERATION_ACTION_UNKNOWN: _("Unknown moderation action."),
        LINK_INVALID: _("This link is not valid."),
    }
)
