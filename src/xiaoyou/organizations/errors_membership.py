"""Error codes of membership (joining, members, groups, SMS invitations).

Raised as core.errors.ApplicationError; the messages are registered on import (the membership
services import this module).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

ORGANIZATION_ARCHIVED = "organization_archived"
INVITATION_REQUIRED = "invitation_required"
MEMBER_BANNED = "member_banned"
JOIN_FORM_INVALID = "join_form_invalid"
NOT_A_MEMBER = "not_a_member"
REASON_REQUIRED = "reason_required"
UPDATE_PENDING = "member_update_pending"
GROUP_NAME_TAKEN = "member_group_name_taken"
GROUP_NAME_REQUIRED = "member_group_name_required"
IMPORT_INVALID = "member_import_invalid"
IMPORT_EMPTY = "member_import_empty"
SMS_NO_RECIPIENTS = "sms_no_recipients"
SMS_TEMPLATE_UNKNOWN = "sms_template_unknown"
SMS_INVALID_RECIPIENTS = "sms_invalid_recipients"
SMS_RATE_LIMITED = "sms_invite_rate_limited"
QUICK_JOIN_NEEDS_FORM = "quick_join_needs_form"

register_messages(
    {
        ORGANIZATION_ARCHIVED: _("This organization is archived and takes no new members."),
        INVITATION_REQUIRED: _("This organization accepts members by invitation only."),
        MEMBER_BANNED: _("You cannot join this organization."),
        JOIN_FORM_INVALID: _("Please correct the errors in the join form."),
        NOT_A_MEMBER: _("You are not a member of this organization."),
        REASON_REQUIRED: _("Please give a reason."),
        UPDATE_PENDING: _("Your changes are already waiting for review."),
        GROUP_NAME_TAKEN: _("A group with this name already exists."),
        GROUP_NAME_REQUIRED: _("Please give the group a name."),
        IMPORT_INVALID: _("The import has errors: nothing was imported."),
        IMPORT_EMPTY: _("The file has no rows to import."),
        SMS_NO_RECIPIENTS: _("There is nobody to invite."),
        SMS_TEMPLATE_UNKNOWN: _("Unknown SMS template."),
        SMS_INVALID_RECIPIENTS: _(
            "These entries are not valid mobile numbers or records: %(items)s"
        ),
        SMS_RATE_LIMITED: _("Too many SMS invitations for now. Please try again later."),
        QUICK_JOIN_NEEDS_FORM: _("Please fill in the join form."),
    }
)
