"""Error codes of SMS campaigns, the quota and birthday greetings (raised as ApplicationError)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

QUOTA_ORG_EXCEEDED = "messaging.sms_quota_org_exceeded"
QUOTA_SCHOOL_EXCEEDED = "messaging.sms_quota_school_exceeded"
QUOTA_NO_ALLOCATION = "messaging.sms_quota_no_allocation"
ALLOCATION_TOO_LOW = "messaging.sms_allocation_too_low"
ALLOCATIONS_EXCEED_QUOTA = "messaging.sms_allocations_exceed_quota"
QUOTA_TOO_LOW = "messaging.sms_quota_too_low"
CAMPAIGN_NOT_DRAFT = "messaging.sms_campaign_not_draft"
CAMPAIGN_STATE = "messaging.sms_campaign_state"
CAMPAIGN_NO_RECIPIENTS = "messaging.sms_campaign_no_recipients"
CAMPAIGN_BODY_REQUIRED = "messaging.sms_campaign_body_required"
UPLOAD_INVALID = "messaging.sms_upload_invalid"
PHONE_INVALID = "messaging.sms_phone_invalid"
CHANNELS_REQUIRED = "messaging.birthday_channels_required"

register_messages(
    {
        QUOTA_ORG_EXCEEDED: _(
            "Not sent: this needs %(needed)s SMS segments but the organization has only "
            "%(remaining)s left of its allocation this year."
        ),
        QUOTA_SCHOOL_EXCEEDED: _(
            "Not sent: this needs %(needed)s SMS segments but the school has only %(remaining)s "
            "left of its annual quota."
        ),
        QUOTA_NO_ALLOCATION: _(
            "Not sent: the organization has no SMS allocation this year. Ask the platform "
            "administrators for one."
        ),
        ALLOCATION_TOO_LOW: _(
            "The allocation cannot be lower than what is used or reserved (%(spent)s segments)."
        ),
        ALLOCATIONS_EXCEED_QUOTA: _(
            "The allocations would add up to %(total)s segments, more than the annual quota of "
            "%(quota)s."
        ),
        QUOTA_TOO_LOW: _(
            "The annual quota cannot be lower than what is allocated (%(allocated)s segments)."
        ),
        CAMPAIGN_NOT_DRAFT: _("Only a draft campaign can be changed or started."),
        CAMPAIGN_STATE: _("This cannot be done while the campaign is %(state)s."),
        CAMPAIGN_NO_RECIPIENTS: _("The campaign has no one to send to."),
        CAMPAIGN_BODY_REQUIRED: _("Please write the text."),
        UPLOAD_INVALID: _("The phone list could not be read: %(reason)s"),
        PHONE_INVALID: _("%(phone)s is not a mobile phone number."),
        CHANNELS_REQUIRED: _("Choose at least one channel."),
    }
)
