"""Who may do what with events (rules evaluated by core.policy).

- Admins of an event's organization (and of the organizations above it) manage the event, its
  ticket types, invitation codes, blacklist and registrations; platform operators everything.
  A college admin never manages another college's events.
- `propose`: members of an organization may start an event there (it goes to review).
- `view` / `register` follow the event's visibility (谁可报名):
  public: anyone (viewing also anonymous); members: members of the event's organization (an
  active membership or any role there); verified: verified alumni (a live alumni record linked
  to the account and verified, as the directory defines it); invite: only with a valid
  invitation code (the event is seen by those who hold a registration or a code).
  Unpublished events are seen by their managers and by the alumnus who started them.
- A registration is seen and cancelled by its registrant and by the event's managers.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_manager(user: Any, event: Any) -> bool:
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    if not _is_authenticated(user):
        return False
    if user.is_superuser and user.is_active:
        return True
    return has_role(user, event.org, Role.ADMIN)


def is_member(user: Any, org_id: int) -> bool:
    from xiaoyou.directory.selectors import organization_ids_of

    return _is_authenticated(user) and org_id in organization_ids_of(user.pk)


def is_verified_alumnus(user: Any) -> bool:
    from xiaoyou.directory.selectors import own_record

    return own_record(user) is not None


def visibility_allows(user: Any, event: Any, *, has_invitation: bool = False) -> bool:
    """The visibility rule alone (not the event's status): may `user` register for `event`?"""
    from xiaoyou.events.models import Visibility

    if event.visibility == Visibility.PUBLIC:
        return True
    if is_manager(user, event):
        return True
    if event.visibility == Visibility.INVITE:
        return has_invitation
    if has_invitation:
        return True  # a code is a personal invitation whatever the audience
    if event.visibility == Visibility.MEMBERS:
        return is_member(user, event.org_id)
    if event.visibility == Visibility.VERIFIED:
        return is_verified_alumnus(user)
    return False


def _can_view_event(user: Any, event: Any) -> bool:
    from xiaoyou.events.models import EventStatus, Visibility

    if is_manager(user, event):
        return True
    if _is_authenticated(user) and event.created_by_id == user.pk:
        return True
    if event.status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        return False
    if event.visibility == Visibility.PUBLIC:
        return True
    if _is_authenticated(user) and event.registrations.filter(user=user).exists():
        return True
    if event.visibility == Visibility.INVITE:
        return False
    return visibility_allows(user, event)


def _can_register(user: Any, event: Any) -> bool:
    return _is_authenticated(user) and visibility_allows(user, event)


def _is_registrant_or_manager(user: Any, registration: Any) -> bool:
    if _is_authenticated(user) and registration.user_id == user.pk:
        return True
    return is_manager(user, registration.event)


def _blacklist_org(entry: Any) -> Any:
    return entry.org if entry.org_id is not None else entry.event.org


def register() -> None:
    from xiaoyou.events.models import (
        BlacklistEntry,
        Event,
        InvitationCode,
        Registration,
        TicketType,
    )
    from xiaoyou.organizations.models import Role

    for action in ("manage", "publish", "cancel", "export", "check_in"):
        policy.register(Event, action, role=Role.ADMIN)
    policy.register(Event, "propose", role=Role.MEMBER)
    policy.register(Event, "view", role=None, check=_can_view_event, allow_anonymous=True)
    policy.register(Event, "register", role=None, check=_can_register)
    policy.register(TicketType, "manage", role=Role.ADMIN, org_field="event__org")
    policy.register(InvitationCode, "manage", role=Role.ADMIN, org_field="event__org")
    policy.register(BlacklistEntry, "manage", role=Role.ADMIN, org_of=_blacklist_org)
    policy.register(Registration, "manage", role=Role.ADMIN, org_field="event__org")
    for action in ("view", "cancel"):
        policy.register(Registration, action, role=None, check=_is_registrant_or_manager)
