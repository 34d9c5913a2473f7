"""Writes of the organizations app, one module per concept; the names are re-exported here."""

from __future__ import annotations

from xiaoyou.organizations.services.activation import membership_activate
from xiaoyou.organizations.services.groups import (
    member_group_create,
    member_group_delete,
    member_group_rename,
    members_assign_group,
    members_unassign_group,
)
from xiaoyou.organizations.services.importing import (
    ImportRow,
    MemberImportInvalid,
    member_import,
)
from xiaoyou.organizations.services.invitations import (
    invitation_accept,
    invitation_by_code,
    invitation_check,
    invitation_check_for_join,
    invitation_create,
    invitation_revoke,
    invitation_use,
)
from xiaoyou.organizations.services.join_decisions import (
    JOIN_DECIDED_KIND,
    join_request_approve,
    join_request_reject,
    register_notification_kinds,
    register_review_kinds,
)
from xiaoyou.organizations.services.join_forms import (
    JoinFieldProblem,
    JoinFormError,
    join_form_clean,
)
from xiaoyou.organizations.services.joining import (
    JOIN_REVIEW_KIND,
    REVIEWED_MODES,
    JoinFormInvalid,
    clean_join_answers,
    join_request_submit,
    member_info_update,
)
from xiaoyou.organizations.services.members_export import members_export
from xiaoyou.organizations.services.membership_ending import (
    MEMBERSHIP_ENDED_KIND,
    member_ban,
    member_remove,
    membership_leave,
)
from xiaoyou.organizations.services.org_lifecycle import (
    organization_archive,
    organization_move,
    organization_restore,
)
from xiaoyou.organizations.services.org_links import (
    organization_link_create,
    organization_link_delete,
)
from xiaoyou.organizations.services.org_profiles import (
    organization_create,
    organization_profile_problems,
    organization_update,
)
from xiaoyou.organizations.services.roles import role_grant, role_revoke
from xiaoyou.organizations.services.sms_invites import members_invite_by_sms

__all__ = [
    "JOIN_DECIDED_KIND",
    "JOIN_REVIEW_KIND",
    "MEMBERSHIP_ENDED_KIND",
    "REVIEWED_MODES",
    "ImportRow",
    "JoinFieldProblem",
    "JoinFormError",
    "JoinFormInvalid",
    "MemberImportInvalid",
    "clean_join_answers",
    "invitation_accept",
    "invitation_by_code",
    "invitation_check",
    "invitation_check_for_join",
    "invitation_create",
    "invitation_revoke",
    "invitation_use",
    "join_form_clean",
    "join_request_approve",
    "join_request_reject",
    "join_request_submit",
    "member_ban",
    "member_group_create",
    "member_group_delete",
    "member_group_rename",
    "member_import",
    "member_info_update",
    "member_remove",
    "members_assign_group",
    "members_export",
    "members_invite_by_sms",
    "members_unassign_group",
    "membership_activate",
    "membership_leave",
    "organization_archive",
    "organization_create",
    "organization_link_create",
    "organization_link_delete",
    "organization_move",
    "organization_profile_problems",
    "organization_restore",
    "organization_update",
    "register_notification_kinds",
    "register_review_kinds",
    "role_grant",
    "role_revoke",
]
