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

# --- Organization management (组织管理): profile, archive, move, cross links ------------------
ARCHIVE_REASON_REQUIRED = "archive_reason_required"
CANNOT_ARCHIVE_ROOT = "cannot_archive_root"
HAS_ACTIVE_CHILDREN = "organization_has_active_children"
PARENT_ARCHIVED = "parent_organization_archived"
NOT_ARCHIVED = "organization_not_archived"
CANNOT_MOVE_ROOT = "cannot_move_root"
MOVE_INTO_SUBTREE = "move_into_own_subtree"
LINK_TO_ITSELF = "link_to_itself"
LINK_EXISTS = "link_exists"
INVALID_JOIN_FORM = "invalid_join_form"
INVALID_IMAGE = "invalid_image"
PROFILE_INCOMPLETE = "organization_profile_incomplete"
INVALID_KIND = "invalid_organization_kind"

register_messages(
    {
        ARCHIVE_REASON_REQUIRED: _("Give the reason for archiving the organization."),
        CANNOT_ARCHIVE_ROOT: _("The main association cannot be archived."),
        HAS_ACTIVE_CHILDREN: _(
            "This organization still has active sub-organizations: archive or move them first."
        ),
        PARENT_ARCHIVED: _("The parent organization is archived: restore it first."),
        NOT_ARCHIVED: _("This organization is not archived."),
        CANNOT_MOVE_ROOT: _("The main association cannot be moved."),
        MOVE_INTO_SUBTREE: _("An organization cannot be moved under itself or its own branch."),
        LINK_TO_ITSELF: _("An organization cannot be linked to itself."),
        LINK_EXISTS: _("These organizations are already linked."),
        INVALID_JOIN_FORM: _("The join form is not valid."),
        INVALID_IMAGE: _("The image is not valid."),
        PROFILE_INCOMPLETE: _("The organization's profile is incomplete."),
        INVALID_KIND: _("Only the top organization can be the main association."),
    }
)
