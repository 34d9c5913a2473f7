"""Error codes of the directory and business-card exchange, raised as ApplicationError."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

register_messages(
    {
        "directory_verified_only": _("Only verified alumni may do this. Claim your record first."),
        "directory_not_listed": _("This alumnus is not in the directory."),
        "directory_card_self": _("You cannot exchange cards with yourself."),
        "directory_card_exists": _(
            "You have already asked this alumnus, or you have exchanged cards already."
        ),
        "directory_card_not_pending": _("This request has already been answered."),
        "directory_invalid_level": _("Choose who may see each field."),
    }
)
