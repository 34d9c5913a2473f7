"""Writes of the organizations app, one module per concept; the names are re-exported here."""

from __future__ import annotations

from xiaoyou.organizations.services.invitations import (
    invitation_accept,
    invitation_by_code,
    invitation_check,
    invitation_check_for_join,
    invitation_create,
    invitation_revoke,
    invitation_use,
)
from xiaoyou.organizations.services.membership import (
    JOIN_REVIEW_KIND,
    join_request_approve,
    join_request_reject,
    join_request_submit,
    register_review_kinds,
)
from xiaoyou.organizations.services.organizations import organization_create
from xiaoyou.organizations.services.roles import role_grant

__all__ = [
    "JOIN_REVIEW_KIND",
    "invitation_accept",
    "invitation_by_code",
    "invitation_check",
    "invitation_check_for_join",
    "invitation_create",
    "invitation_revoke",
    "invitation_use",
    "join_request_approve",
    "join_request_reject",
    "join_request_submit",
    "organization_create",
    "register_review_kinds",
    "role_grant",
]
