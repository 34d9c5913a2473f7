"""Error codes of the cloud card, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

NO_PROGRAM = "cards.no_program"
PROGRAM_CLOSED = "cards.program_closed"
NOT_ELIGIBLE = "cards.not_eligible"
CARD_REVOKED = "cards.card_revoked"
TOKEN_EXPIRED = "cards.token_expired"
TOKEN_INVALID = "cards.token_invalid"
PARTNER_INACTIVE = "cards.partner_inactive"
PARTNER_COMMUNITY_KIND = "cards.partner_community_kind"
VOUCHER_USED = "cards.voucher_used"
VOUCHER_EXPIRED = "cards.voucher_expired"
VOUCHER_WRONG_PARTNER = "cards.voucher_wrong_partner"
VOUCHER_NOT_YOURS = "cards.voucher_not_yours"
VOUCHER_TYPE_INACTIVE = "cards.voucher_type_inactive"
VALIDITY_INVALID = "cards.validity_invalid"
COLOR_INVALID = "cards.color_invalid"
NO_RECIPIENTS = "cards.no_recipients"
ALREADY_APPLIED = "cards.already_applied"

register_messages(
    {
        NO_PROGRAM: _("The association has not opened the cloud card yet."),
        PROGRAM_CLOSED: _("The cloud card is not open for claims now."),
        NOT_ELIGIBLE: _(
            "The cloud card is for verified alumni who are members of the association."
        ),
        CARD_REVOKED: _("This card was revoked."),
        TOKEN_EXPIRED: _("This card code has expired: ask the holder to show the live card."),
        TOKEN_INVALID: _("This is not a valid card code."),
        PARTNER_INACTIVE: _("This partner no longer takes the cloud card."),
        PARTNER_COMMUNITY_KIND: _(
            "The partner community must be an organization of the partner type."
        ),
        VOUCHER_USED: _("This voucher has already been used."),
        VOUCHER_EXPIRED: _("This voucher has expired."),
        VOUCHER_WRONG_PARTNER: _("This voucher is not used at this partner."),
        VOUCHER_NOT_YOURS: _("This voucher belongs to someone else."),
        VOUCHER_TYPE_INACTIVE: _("This voucher type is not issued any more."),
        VALIDITY_INVALID: _("The end of validity must come after its start."),
        COLOR_INVALID: _("Enter a color as #RRGGBB."),
        NO_RECIPIENTS: _("Choose at least one alumnus."),
        ALREADY_APPLIED: _("You have already applied for this voucher."),
    }
)
