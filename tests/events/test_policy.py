"""Events policy and selectors: who manages, who sees, who may register."""

from __future__ import annotations

import pytest

from tests.events.support import event_with_ticket, sign_up
from tests.factories import AlumniRecordFactory, UserFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.core import policy
from xiaoyou.events.models import EventStatus, Visibility
from xiaoyou.events.selectors import (
    events_managed_by,
    events_visible_to,
    registration_of,
    registrations_for_event,
    waitlist_position,
)

pytestmark = pytest.mark.django_db


def test_admins_manage_their_subtree_only(org_tree, college_admin, regional_admin, platform_admin):
    club_event, _ = event_with_ticket(org=org_tree.club)
    other_event, _ = event_with_ticket(org=org_tree.other_college)
    assert policy.can(college_admin, "manage", club_event)  # inherited down the tree
    assert not policy.can(college_admin, "manage", other_event)
    assert not policy.can(regional_admin, "manage", club_event)
    assert policy.can(platform_admin, "manage", other_event)
    assert set(events_managed_by(college_admin)) == {club_event}


def test_registrations_seen_by_registrant_and_managers(
    org_tree, college_admin, regional_admin, verified_alumnus
):
    event, ticket = event_with_ticket(org=org_tree.college)
    mine = sign_up(event, ticket, verified_alumnus)
    theirs = sign_up(event, ticket, UserFactory())
    assert set(registrations_for_event(college_admin, event)) == {mine, theirs}
    assert list(registrations_for_event(verified_alumnus, event)) == [mine]
    assert list(registrations_for_event(regional_admin, event)) == []
    assert policy.can(verified_alumnus, "view", mine)
    assert not policy.can(verified_alumnus, "view", theirs)
    assert not policy.can(regional_admin, "manage", mine)
    assert registration_of(verified_alumnus, event) == mine


def test_visible_events_follow_visibility(org_tree, verified_alumnus, outsider, regional_admin):
    public, _ = event_with_ticket(org=org_tree.college)
    members, _ = event_with_ticket(org=org_tree.college, visibility=Visibility.MEMBERS)
    verified, _ = event_with_ticket(org=org_tree.college, visibility=Visibility.VERIFIED)
    invite, ticket = event_with_ticket(org=org_tree.college, visibility=Visibility.INVITE)
    draft, _ = event_with_ticket(org=org_tree.college, status=EventStatus.DRAFT)
    assert set(events_visible_to(outsider)) == {public}
    assert set(events_visible_to(verified_alumnus)) == {public, members}
    AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, verification=VerificationState.VERIFIED
    )
    assert set(events_visible_to(verified_alumnus)) == {public, members, verified}
    assert not policy.can(verified_alumnus, "view", invite)
    from xiaoyou.events.models import InvitationCode

    InvitationCode.objects.create(event=invite, code="VIP")
    sign_up(invite, ticket, verified_alumnus, invitation_code="VIP")
    assert invite in set(events_visible_to(verified_alumnus))
    assert policy.can(verified_alumnus, "view", invite)
    assert not policy.can(outsider, "view", draft)
    assert set(events_visible_to(regional_admin)) == {public}


def test_waitlist_position(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1)
    sign_up(event, ticket, UserFactory())
    first, second = (sign_up(event, ticket, UserFactory()) for _ in range(2))
    assert (waitlist_position(first), waitlist_position(second)) == (1, 2)
