from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.events.support import counters, event_with_ticket, sign_up
from tests.factories import UserFactory
from xiaoyou.alumni.models import VerificationState
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Notification
from xiaoyou.events import errors
from xiaoyou.events.models import (
    BlacklistEntry,
    InvitationCode,
    RegistrationStatus,
    Visibility,
)
from xiaoyou.events.services.registrations import (
    registration_approve,
    registration_ask_to_leave,
    registration_cancel,
    registration_reject,
)

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def _code(call):
    with pytest.raises(ApplicationError) as info:
        call()
    return info.value


def test_free_signup_confirms_issues_ticket_and_notifies(
    org_tree, verified_alumnus, django_capture_on_commit_callbacks
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, ticket, verified_alumnus, guests=0)
    assert registration.status == S.CONFIRMED
    assert registration.seats == 1
    assert registration.ticket_code  # evcheckin's ticket_issue ran
    assert counters(event) == (1, 1)
    ticket.refresh_from_db()
    assert ticket.seats_taken == 1
    assert Notification.objects.filter(
        user=verified_alumnus, kind="events.registration_confirmed"
    ).exists()


def test_guests_take_seats_and_are_limited(org_tree, verified_alumnus):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=10, max_guests=2)
    error = _code(lambda: sign_up(event, ticket, verified_alumnus, guests=3))
    assert error.code == errors.TOO_MANY_GUESTS
    registration = sign_up(event, ticket, verified_alumnus, guests=2)
    assert registration.seats == 3
    assert counters(event) == (3, 3)


def test_second_live_registration_is_refused(org_tree, verified_alumnus):
    event, ticket = event_with_ticket(org=org_tree.college)
    sign_up(event, ticket, verified_alumnus)
    assert _code(lambda: sign_up(event, ticket, verified_alumnus)).code == errors.ALREADY_REGISTERED


def test_full_without_waitlist_is_refused_with_waitlist_queued(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, waitlist_enabled=False)
    sign_up(event, ticket, UserFactory())
    assert _code(lambda: sign_up(event, ticket, UserFactory())).code == errors.FULL
    event.waitlist_enabled = True
    event.save(update_fields=["waitlist_enabled"])
    waiting = sign_up(event, ticket, UserFactory())
    assert (waiting.status, waiting.seats) == (S.WAITLISTED, 0)
    assert waiting.waitlisted_at is not None
    assert counters(event) == (1, 1)


def test_ticket_type_capacity_is_enforced_too(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=10, ticket_capacity=1)
    sign_up(event, ticket, UserFactory())
    assert sign_up(event, ticket, UserFactory()).status == S.WAITLISTED
    ticket.refresh_from_db()
    assert ticket.seats_taken == 1
    assert counters(event) == (1, 1)


def test_window_and_status(org_tree, verified_alumnus):
    now = timezone.now()
    event, ticket = event_with_ticket(
        org=org_tree.college, registration_opens_at=now + dt.timedelta(hours=1)
    )
    assert _code(lambda: sign_up(event, ticket, verified_alumnus)).code == errors.NOT_OPEN_YET
    event.registration_opens_at = None
    event.registration_closes_at = now - dt.timedelta(minutes=1)
    event.save()
    assert _code(lambda: sign_up(event, ticket, verified_alumnus)).code == errors.CLOSED
    event.registration_closes_at = None
    event.status = "draft"
    event.save()
    assert _code(lambda: sign_up(event, ticket, verified_alumnus)).code == errors.NOT_PUBLISHED


def test_blacklist_shows_the_reason_and_reaches_down_the_tree(org_tree, verified_alumnus):
    event, ticket = event_with_ticket(org=org_tree.club)
    BlacklistEntry.objects.create(user=verified_alumnus, org=org_tree.college, reason="多次爽约")
    error = _code(lambda: sign_up(event, ticket, verified_alumnus))
    assert error.code == errors.BLACKLISTED
    assert "多次爽约" in error.text()
    event.blacklist_enabled = False
    event.save(update_fields=["blacklist_enabled"])
    assert sign_up(event, ticket, verified_alumnus).status == S.CONFIRMED


def test_visibility_members_verified_and_invite(org_tree, verified_alumnus, outsider):
    members, ticket = event_with_ticket(org=org_tree.college, visibility=Visibility.MEMBERS)
    assert _code(lambda: sign_up(members, ticket, outsider)).code == errors.NOT_ALLOWED
    assert sign_up(members, ticket, verified_alumnus).status == S.CONFIRMED

    verified, ticket = event_with_ticket(org=org_tree.college, visibility=Visibility.VERIFIED)
    assert _code(lambda: sign_up(verified, ticket, verified_alumnus)).code == errors.NOT_ALLOWED
    from tests.factories import AlumniRecordFactory

    AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, verification=VerificationState.VERIFIED
    )
    assert sign_up(verified, ticket, verified_alumnus).status == S.CONFIRMED

    invite, ticket = event_with_ticket(org=org_tree.college, visibility=Visibility.INVITE)
    assert _code(lambda: sign_up(invite, ticket, verified_alumnus)).code == errors.NOT_ALLOWED
    InvitationCode.objects.create(event=invite, code="VIP-1")
    registration = sign_up(invite, ticket, verified_alumnus, invitation_code="VIP-1")
    assert registration.status == S.CONFIRMED


def test_invitation_bypasses_capacity_and_approval_and_counts_uses(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, requires_approval=True)
    first = sign_up(event, ticket, UserFactory())
    assert first.status == S.PENDING_REVIEW  # holds the seat
    InvitationCode.objects.create(event=event, code="VIP-2", uses_allowed=2)
    vip = sign_up(event, ticket, UserFactory(), invitation_code="VIP-2")
    assert vip.status == S.CONFIRMED
    assert counters(event) == (2, 2)
    sign_up(event, ticket, UserFactory(), invitation_code="VIP-2")
    error = _code(lambda: sign_up(event, ticket, UserFactory(), invitation_code="VIP-2"))
    assert error.code == errors.INVITATION_INVALID
    assert InvitationCode.objects.get(code="VIP-2").uses == 2
    bad = _code(lambda: sign_up(event, ticket, UserFactory(), invitation_code="NOPE"))
    assert bad.code == errors.INVITATION_INVALID


def test_invitation_flags_can_keep_capacity_and_approval(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, requires_approval=True)
    sign_up(event, ticket, UserFactory())
    InvitationCode.objects.create(
        event=event, code="HALF", uses_allowed=5, bypass_capacity=False, bypass_approval=False
    )
    assert sign_up(event, ticket, UserFactory(), invitation_code="HALF").status == S.WAITLISTED


def test_required_answers_and_choices(org_tree, verified_alumnus):
    fields = [
        {"key": "dept", "label": "院系", "type": "text", "required": True},
        {"key": "meal", "label": "餐食", "type": "choice", "choices": ["荤", "素"]},
    ]
    event, ticket = event_with_ticket(org=org_tree.college, form_fields=fields)
    error = _code(lambda: sign_up(event, ticket, verified_alumnus, answers={}))
    assert error.code == errors.ANSWER_REQUIRED and "院系" in error.text()
    error = _code(
        lambda: sign_up(event, ticket, verified_alumnus, answers={"dept": "计", "meal": "x"})
    )
    assert error.code == "invalid_input"
    registration = sign_up(
        event, ticket, verified_alumnus, answers={"dept": " 计算机 ", "meal": "素", "junk": 1}
    )
    assert registration.answers == {"dept": "计算机", "meal": "素"}


def test_approve_keeps_seat_reject_frees_it(
    org_tree, college_admin, django_capture_on_commit_callbacks
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, requires_approval=True)
    first = sign_up(event, ticket, UserFactory())
    waiting = sign_up(event, ticket, UserFactory())
    assert (first.status, waiting.status) == (S.PENDING_REVIEW, S.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        registration_reject(actor=college_admin, registration=first, reason="名额有限")
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, first.seats, first.decision_reason) == (S.REJECTED, 0, "名额有限")
    assert waiting.status == S.PENDING_REVIEW  # promoted, back in review with the seat
    assert counters(event) == (1, 1)
    registration_approve(actor=college_admin, registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED and waiting.ticket_code
    with pytest.raises(ApplicationError) as info:
        registration_approve(actor=college_admin, registration=first)
    assert info.value.code == errors.STATUS_CHANGED


def test_other_college_admin_cannot_decide(org_tree, regional_admin):
    event, ticket = event_with_ticket(org=org_tree.college, requires_approval=True)
    registration = sign_up(event, ticket, UserFactory())
    with pytest.raises(PermissionDenied):
        registration_approve(actor=regional_admin, registration=registration)


def test_cancel_releases_once_and_ask_to_leave_needs_reason(
    org_tree, college_admin, verified_alumnus, outsider
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=5)
    registration = sign_up(event, ticket, verified_alumnus, guests=0)
    with pytest.raises(PermissionDenied):
        registration_cancel(actor=outsider, registration=registration)
    assert registration_cancel(actor=verified_alumnus, registration=registration) is True
    assert registration_cancel(actor=verified_alumnus, registration=registration) is False
    assert counters(event) == (0, 0)
    other = sign_up(event, ticket, UserFactory())
    with pytest.raises(ApplicationError):
        registration_ask_to_leave(actor=college_admin, registration=other, reason=" ")
    assert registration_ask_to_leave(actor=college_admin, registration=other, reason="不符合条件")
    other.refresh_from_db()
    assert other.status == S.ASKED_TO_LEAVE
    assert counters(event) == (0, 0)
