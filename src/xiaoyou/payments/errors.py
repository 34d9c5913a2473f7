"""Error codes of the payments app, raised as core ApplicationError with translated text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

AMOUNT_INVALID = "payments.amount_invalid"
ORDER_NOT_PAYABLE = "payments.order_not_payable"
PROVIDER_UNAVAILABLE = "payments.provider_unavailable"
CHANNEL_UNSUPPORTED = "payments.channel_unsupported"
REFUND_TOO_LARGE = "payments.refund_too_large"
REFUND_NOT_ALLOWED = "payments.refund_not_allowed"
PROVIDER_FAILED = "payments.provider_failed"

register_messages(
    {
        AMOUNT_INVALID: _("The amount must be a positive number of fen."),
        ORDER_NOT_PAYABLE: _("This order can no longer be paid."),
        PROVIDER_UNAVAILABLE: _("This payment method is not available."),
        CHANNEL_UNSUPPORTED: _("This payment method cannot be used here."),
        REFUND_TOO_LARGE: _("The refund is larger than what is left to refund."),
        REFUND_NOT_ALLOWED: _("This payment cannot be refunded."),
        PROVIDER_FAILED: _("The payment service did not accept the request; please try again."),
    }
)
