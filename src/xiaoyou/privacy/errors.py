from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

POLICY_VERSION_EXISTS = "privacy_policy_version_exists"
PURPOSE_UNKNOWN = "privacy_purpose_unknown"
PURPOSE_REQUIRED = "privacy_purpose_required"
EXPORT_EXPIRED = "privacy_export_expired"
NO_POLICY = "privacy_no_policy"

register_messages(
    {
        POLICY_VERSION_EXISTS: _("This version number is already published."),
        PURPOSE_UNKNOWN: _("This use of personal data does not exist."),
        PURPOSE_REQUIRED: _("This consent is needed for the account; delete the account instead."),
        EXPORT_EXPIRED: _("This download has expired; prepare a new one."),
        NO_POLICY: _("No privacy policy is published yet."),
    }
)
