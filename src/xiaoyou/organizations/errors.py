"""Error codes of the organizations module (raised as core.errors.ApplicationError)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xiaoyou.core.errors import register_messages

ALREADY_MEMBER = "already_member"
JOIN_REQUEST_PENDING = "join_request_pending"
ORGANIZATION_INACTIVE = "organization_inactive"

register_messages(
    {
        ALREADY_MEMBER: _("You are already a member of this organization."),
        JOIN_REQUEST_PENDING: _("Your request to join is already waiting for review."),
        ORGANIZATION_INACTIVE: _("This organization is not active."),
    }
)
