"""Who may do what with polls (rules evaluated by core.policy).

- Admins of a poll's organization (and of the organizations above it: an org's admins manage
  their own polls and their sub-organizations') manage the poll, see every result and vote
  record, moderate its comments and export; platform operators everything.
- `view`: a published, paused or closed poll that is shown in the hall, to anyone (anonymous
  visitors too); drafts, hidden and deleted polls to their managers only.
- `vote` follows the poll's audience (谁可投票): anyone signed in; verified alumni (a live,
  verified alumni record linked to the account, as the directory defines it); members of the
  poll's organization (an active membership or any role there). Managers may always vote.
- `comment`: signed-in people who may view the poll.
- A comment is moderated by the poll's managers.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_manager(user: Any, poll: Any) -> bool:
    return policy.can(user, "manage", poll)


def audience_allows(user: Any, poll: Any) -> bool:
    """The audience rule alone (not the poll's status or window): may `user` vote?"""
    from xiaoyou.events.policy import is_member, is_verified_alumnus
    from xiaoyou.polls.models import Audience

    if not _is_authenticated(user):
        return False
    if poll.audience == Audience.SIGNED_IN:
        return True
    if is_manager(user, poll):
        return True
    if poll.audience == Audience.VERIFIED:
        return is_verified_alumnus(user)
    if poll.audience == Audience.MEMBERS:
        return is_member(user, poll.org_id)
    return False


def _can_view(user: Any, poll: Any) -> bool:
    from xiaoyou.polls.models import PollStatus

    if poll.deleted_at is not None:
        return False
    if poll.status != PollStatus.DRAFT and poll.is_visible:
        return True
    return is_manager(user, poll)


def _can_vote(user: Any, poll: Any) -> bool:
    return _can_view(user, poll) and audience_allows(user, poll)


def _can_comment(user: Any, poll: Any) -> bool:
    return _is_authenticated(user) and _can_view(user, poll)


def register() -> None:
    from xiaoyou.organizations.models import Role
    from xiaoyou.polls.models import Poll, PollComment, Vote

    for action in ("manage", "export"):
        policy.register(Poll, action, role=Role.ADMIN)
    policy.register(Poll, "view", role=None, check=_can_view, allow_anonymous=True)
    policy.register(Poll, "vote", role=None, check=_can_vote)
    policy.register(Poll, "comment", role=None, check=_can_comment)
    policy.register(PollComment, "moderate", role=Role.ADMIN, org_field="poll__org")
    policy.register(Vote, "view", role=Role.ADMIN, org_field="poll__org")
