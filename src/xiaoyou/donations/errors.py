"""Error codes of the donations app, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

NOT_OPEN = "donations.not_open"
AMOUNT_TOO_SMALL = "donations.amount_too_small"
AMOUNT_TOO_LARGE = "donations.amount_too_large"
AMOUNT_NOT_OFFERED = "donations.amount_not_offered"
NAME_REQUIRED = "donations.name_required"
NOT_ALLOWED = "donations.not_allowed"
ANONYMOUS_NOT_ALLOWED = "donations.anonymous_not_allowed"
CONTACT_REQUIRED = "donations.contact_required"
TITLE_REQUIRED = "donations.title_required"
DATES_INVALID = "donations.dates_invalid"
PRESETS_INVALID = "donations.presets_invalid"
NOT_PAID = "donations.not_paid"
PLEDGE_DAY_INVALID = "donations.pledge_day_invalid"
PLEDGE_EXISTS = "donations.pledge_exists"
PLEDGE_STATE = "donations.pledge_state"

register_messages(
    {
        NOT_OPEN: _("This project is not taking gifts now."),
        AMOUNT_TOO_SMALL: _("The smallest gift to this project is %(limit)s yuan."),
        AMOUNT_TOO_LARGE: _(
            "Gifts above %(limit)s yuan are made by bank transfer: please contact the association."
        ),
        AMOUNT_NOT_OFFERED: _("Please choose one of the amounts offered."),
        NAME_REQUIRED: _("Please enter the donor's name."),
        NOT_ALLOWED: _("This project takes gifts from verified alumni or members only."),
        ANONYMOUS_NOT_ALLOWED: _("This project does not take anonymous gifts."),
        CONTACT_REQUIRED: _("Please give a mobile phone or an email for the receipt."),
        TITLE_REQUIRED: _("Please enter the project's name."),
        DATES_INVALID: _("The end must come after the start."),
        PRESETS_INVALID: _("Preset amounts must be positive amounts in yuan, at most eight."),
        NOT_PAID: _("The certificate is issued once the gift is paid."),
        PLEDGE_DAY_INVALID: _("Choose a day between 1 and 28."),
        PLEDGE_EXISTS: _(
            "You already give monthly to this project: change it in My monthly gifts."
        ),
        PLEDGE_STATE: _("This monthly gift cannot be changed that way now."),
    }
)
