"""Who may do what in the community.

Moderation (console) belongs to the admins of the post's organization and of its ancestors, so
a college admin moderates their college's board and never another college's. Reading in the
hall: a published public message or published help post is open to signed-in users; anything
else (pending, rejected, hidden, private questions) only to its author and the moderators.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.community.models import (
    BoardMessage,
    BoardReply,
    CommunitySettings,
    HelpPost,
    HelpReply,
    ModerationStatus,
)
from xiaoyou.core import policy
from xiaoyou.organizations.models import Role

CLOSED = (ModerationStatus.DELETED, ModerationStatus.REJECTED, ModerationStatus.HIDDEN)


def _is_author(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "pk", None)) and obj.author_id == user.pk


def _moderates(user: Any, org: Any) -> bool:
    from xiaoyou.organizations.selectors import has_role

    return org is not None and has_role(user, org, Role.ADMIN)


def _org_open(user: Any, message: BoardMessage) -> bool:
    org = message.org
    return org.is_active and org.archived_at is None


def _org_readable(user: Any, org: Any) -> bool:
    """The board of a private (invitation-only) organization is for its members."""
    from xiaoyou.organizations.models import Visibility
    from xiaoyou.organizations.selectors_membership import hall_organization

    if org.visibility != Visibility.PRIVATE:
        return bool(org.is_active)
    return hall_organization(user, org.pk) is not None


def _message_visible(user: Any, message: BoardMessage) -> bool:
    if message.status == ModerationStatus.DELETED:
        return _moderates(user, message.org)
    if _is_author(user, message) or _moderates(user, message.org):
        return True
    return (
        message.status == ModerationStatus.PUBLISHED
        and message.is_public
        and _org_readable(user, message.org)
    )


def _message_repliable(user: Any, message: BoardMessage) -> bool:
    if message.status in CLOSED:
        return False
    if _moderates(user, message.org):
        return True
    # The author answers back once the message is out of the queue.
    return _is_author(user, message) and message.status == ModerationStatus.PUBLISHED


def _help_visible(user: Any, post: HelpPost) -> bool:
    if post.status == ModerationStatus.PUBLISHED:
        return True
    if post.status == ModerationStatus.DELETED:
        return _moderates(user, post.org)
    return _is_author(user, post) or _moderates(user, post.org)


def is_verified_alumnus(user: Any) -> bool:
    from xiaoyou.community.selectors import is_verified_alumnus as verified

    return verified(user)


def _help_create(user: Any, post: HelpPost) -> bool:
    return is_verified_alumnus(user)


def _help_repliable(user: Any, post: HelpPost) -> bool:
    if post.status != ModerationStatus.PUBLISHED or post.is_solved:
        return False
    return _is_author(user, post) or is_verified_alumnus(user)


def _help_closable(user: Any, post: HelpPost) -> bool:
    return _is_author(user, post) and post.status == ModerationStatus.PUBLISHED


def _help_reportable(user: Any, post: HelpPost) -> bool:
    return post.status == ModerationStatus.PUBLISHED and not _is_author(user, post)


def register() -> None:
    policy.register(BoardMessage, "post", role=None, org_field="", check=_org_open)
    policy.register(BoardMessage, "view", role=None, org_field="", check=_message_visible)
    policy.register(BoardMessage, "reply", role=None, org_field="", check=_message_repliable)
    policy.register(BoardMessage, "moderate", role=Role.ADMIN, org_field="org")
    policy.register(BoardReply, "moderate", role=Role.ADMIN, org_field="message__org")
    policy.register(CommunitySettings, "change", role=Role.ADMIN, org_field="org")
    policy.register(HelpPost, "create", role=None, org_field="", check=_help_create)
    policy.register(HelpPost, "view", role=None, org_field="", check=_help_visible)
    policy.register(HelpPost, "reply", role=None, org_field="", check=_help_repliable)
    policy.register(HelpPost, "close", role=None, org_field="", check=_help_closable)
    policy.register(HelpPost, "report", role=None, org_field="", check=_help_reportable)
    policy.register(HelpPost, "moderate", role=Role.ADMIN, org_field="org")
    policy.register(HelpReply, "moderate", role=Role.ADMIN, org_field="post__org")
