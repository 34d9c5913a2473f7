"""Error codes of giving days (捐赠日), beneficiaries' posts and donors' replies, raised as
ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

DAY_TITLE_REQUIRED = "donations.day_title_required"
DAY_DATES_INVALID = "donations.day_dates_invalid"
DAY_PROJECT_OUTSIDE = "donations.day_project_outside"
DAY_GOAL_INVALID = "donations.day_goal_invalid"
CHALLENGE_INVALID = "donations.challenge_invalid"
BENEFICIARY_UNKNOWN_USER = "donations.beneficiary_unknown_user"
BENEFICIARY_ALREADY = "donations.beneficiary_already"
POST_NOT_BENEFICIARY = "donations.post_not_beneficiary"
POST_TEXT_REQUIRED = "donations.post_text_required"
POST_TEXT_TOO_LONG = "donations.post_text_too_long"
POST_PHOTO_INVALID = "donations.post_photo_invalid"
POST_ACTION_UNKNOWN = "donations.post_action_unknown"
REPLY_NOT_DONOR = "donations.reply_not_donor"

register_messages(
    {
        DAY_TITLE_REQUIRED: _("Please enter the giving day's name."),
        DAY_DATES_INVALID: _("A giving day needs a start and an end after it."),
        DAY_PROJECT_OUTSIDE: _(
            "A giving day takes projects of its organization and its sub-organizations only."
        ),
        DAY_GOAL_INVALID: _("The goal must be a positive amount."),
        CHALLENGE_INVALID: _(
            "A challenge needs a title, a type (donors or amount) and a positive threshold."
        ),
        BENEFICIARY_UNKNOWN_USER: _("No account has this mobile phone or email."),
        BENEFICIARY_ALREADY: _("This person is already a beneficiary of the project."),
        POST_NOT_BENEFICIARY: _("Only the project's beneficiaries may post here."),
        POST_TEXT_REQUIRED: _("Please write a few words."),
        POST_TEXT_TOO_LONG: _("At most %(limit)s characters."),
        POST_PHOTO_INVALID: _("The photo cannot be used. %(reason)s"),
        POST_ACTION_UNKNOWN: _("Unknown moderation action."),
        REPLY_NOT_DONOR: _("Only the project's donors may reply to its beneficiaries' posts."),
    }
)
