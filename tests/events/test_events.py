"""Event services: create, review of alumni events, publish, copy, ticket types, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.events.support import event_with_ticket, pay, sign_up
from tests.factories import UserFactory
from tests.payments import conftest as payments_fixtures
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, Notification, ReviewItem
from xiaoyou.core.reviews import review_decide
from xiaoyou.events import errors
from xiaoyou.events.models import EventStatus, RegistrationStatus
from xiaoyou.events.services.events import (
    event_cancel,
    event_copy,
    event_create,
    event_propose,
    event_publish,
    event_update,
    ticket_type_save,
)
from xiaoyou.payments.models import OrderStatus, PaymentRefund

pytestmark = pytest.mark.django_db
gateway = payments_fixtures.gateway  # the fake payment provider (tests/payments/conftest.py)
S = RegistrationStatus


def _times():
    starts = timezone.now() + dt.timedelta(days=10)
    return {"starts_at": starts, "ends_at": starts + dt.timedelta(hours=2)}


def test_admin_creates_and_publishes(org_tree, college_admin):
    event = event_create(
        actor=college_admin, org=org_tree.club, title="羽毛球赛", capacity=30,
        description="<p>欢迎</p><script>x()</script>", is_pinned=True, **_times(),
    )  # fmt: skip
    assert (event.status, event.is_pinned, event.created_by) == ("draft", True, college_admin)
    assert "<script>" not in event.description
    assert len(event.ticket_secret) == 64
    ticket = ticket_type_save(actor=college_admin, event=event, name="早鸟票", price=2000)
    assert ticket.event == event and ticket.price == 2000
    event_publish(actor=college_admin, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and event.published_at
    assert AuditEntry.objects.filter(action="events.event.publish").count() == 1


def test_other_college_admin_cannot_create_or_change(org_tree, regional_admin, college_admin):
    with pytest.raises(PermissionDenied):
        event_create(actor=regional_admin, org=org_tree.college, title="x", **_times())
    event = event_create(actor=college_admin, org=org_tree.college, title="x", **_times())
    with pytest.raises(PermissionDenied):
        event_update(actor=regional_admin, event=event, title="y")
    with pytest.raises(PermissionDenied):
        event_cancel(actor=regional_admin, event=event, reason="z")


def test_alumnus_event_goes_through_review(org_tree, verified_alumnus, college_admin, outsider):
    with pytest.raises(PermissionDenied):
        event_propose(actor=outsider, org=org_tree.college, title="聚餐", **_times())
    with pytest.raises(PermissionDenied):  # pinning is for staff
        event_create(actor=verified_alumnus, org=org_tree.college, is_pinned=True, **_times())
    event = event_propose(actor=verified_alumnus, org=org_tree.college, title="聚餐", **_times())
    assert event.status == EventStatus.IN_REVIEW
    item = ReviewItem.objects.get(kind="events.event", object_id=str(event.pk))
    assert item.org == org_tree.college
    review_decide(item=item, actor=college_admin, approved=True)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_capacity_never_below_seats_taken(org_tree, college_admin):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=5)
    for _ in range(3):
        sign_up(event, ticket, UserFactory())
    with pytest.raises(ApplicationError) as info:
        event_update(actor=college_admin, event=event, capacity=2)
    assert info.value.code == errors.CAPACITY_BELOW_TAKEN
    with pytest.raises(ApplicationError):
        ticket_type_save(actor=college_admin, event=event, ticket_type=ticket, capacity=1)


def test_copy_starts_a_fresh_draft(org_tree, college_admin):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=5, price=100)
    sign_up(event, ticket, UserFactory())
    copy = event_copy(actor=college_admin, event=event)
    assert copy.pk != event.pk and copy.status == EventStatus.DRAFT and copy.seats_taken == 0
    assert copy.ticket_secret != event.ticket_secret
    copied = copy.ticket_types.get()
    assert (copied.name, copied.price, copied.seats_taken) == (ticket.name, 100, 0)
    assert copy.registrations.count() == 0


def test_cancel_event_cancels_refunds_and_notifies(
    org_tree,
    college_admin,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=2, price=5000)
    paid = sign_up(event, ticket, UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        pay(paid)
    unpaid = sign_up(event, ticket, UserFactory())
    waiting = sign_up(event, ticket, UserFactory())
    with pytest.raises(ApplicationError):
        event_cancel(actor=college_admin, event=event, reason=" ")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event_cancel(actor=college_admin, event=event, reason="台风停课")
    assert callbacks  # the registrations are handled by a task after commit
    event.refresh_from_db()
    assert (event.status, event.cancel_reason, event.seats_taken) == ("cancelled", "台风停课", 0)
    for registration in (paid, unpaid, waiting):
        registration.refresh_from_db()
        assert registration.status == S.CANCELLED
        notice = Notification.objects.get(user=registration.user, kind="events.event_cancelled")
        assert "台风停课" in notice.body
    refund = PaymentRefund.objects.get(order=paid.payment)
    assert (refund.amount, refund.requested_by) == (5000, college_admin)
    paid.payment.refresh_from_db()
    assert paid.payment.status == OrderStatus.REFUNDED
    unpaid.payment.refresh_from_db()
    assert unpaid.payment.status == OrderStatus.CLOSED
    assert AuditEntry.objects.filter(action="events.event.cancel").count() == 1
    # Cancelling again changes nothing.
    event_cancel(actor=college_admin, event=event, reason="again")
    assert PaymentRefund.objects.filter(order=paid.payment).count() == 1
