"""Error codes of the community (message board, mutual help), raised as ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "community_title_required": _("Please enter a title."),
        "community_body_required": _("Please write your message."),
        "community_too_long": _("The text is too long."),
        "community_org_closed": _("This organization does not take messages."),
        "community_not_open": _("This post is not open for replies."),
        "community_verified_only": _("Only verified alumni may do this. Claim your record first."),
        "community_contact_required": _("Please enter the contact details to show."),
        "community_already_reported": _("You have already reported this post."),
        "community_already_solved": _("This post is already closed as solved."),
        "community_unknown_action": _("Unknown action."),
        "community_threshold_invalid": _("The number of reports must be between 1 and 100."),
    }
)
