"""Waitlist promotion order, seat offers for paid tickets, payments and expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.events.support import counters, event_with_ticket, pay, sign_up
from tests.factories import UserFactory
from tests.payments import conftest as payments_fixtures
from xiaoyou.core.models import Notification
from xiaoyou.events.models import RegistrationStatus
from xiaoyou.events.services.registrations import registration_cancel, waitlist_promote
from xiaoyou.events.services.waitlist import holds_expire
from xiaoyou.payments.models import OrderStatus, PaymentRefund

pytestmark = pytest.mark.django_db
gateway = payments_fixtures.gateway  # the fake payment provider (tests/payments/conftest.py)
S = RegistrationStatus


def _refresh(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return [registration.status for registration in registrations]


def test_free_waitlist_is_promoted_oldest_first(org_tree, django_capture_on_commit_callbacks):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=2)
    holders = [sign_up(event, ticket, UserFactory()) for _ in range(2)]
    waiting = [sign_up(event, ticket, UserFactory()) for _ in range(3)]
    assert _refresh(*waiting) == [S.WAITLISTED] * 3
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=holders[1].user, registration=holders[1])
    assert _refresh(*waiting) == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert waiting[0].ticket_code
    assert Notification.objects.filter(
        user=waiting[0].user, kind="events.registration_confirmed"
    ).exists()
    assert counters(event) == (2, 2)


def test_raising_capacity_promotes_in_order_and_strictly(
    org_tree, college_admin, django_capture_on_commit_callbacks
):
    from xiaoyou.events.services.events import event_update

    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, max_guests=2)
    sign_up(event, ticket, UserFactory())
    big = sign_up(event, ticket, UserFactory(), guests=2)  # needs 3 seats
    small = sign_up(event, ticket, UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=college_admin, event=event, capacity=3)
    # 2 seats free: the first in line needs 3, nobody jumps ahead of them.
    assert _refresh(big, small) == [S.WAITLISTED, S.WAITLISTED]
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=college_admin, event=event, capacity=5)
    assert _refresh(big, small) == [S.CONFIRMED, S.CONFIRMED]
    assert counters(event) == (5, 5)


def test_paid_signup_waits_for_payment_then_confirms(
    org_tree,
    verified_alumnus,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=5, price=5000, max_guests=1)
    registration = sign_up(event, ticket, verified_alumnus, guests=1)
    assert registration.status == S.AWAITING_PAYMENT
    assert registration.amount == 10000
    assert registration.payment.amount == 10000
    assert registration.payment.payer == verified_alumnus
    with django_capture_on_commit_callbacks(execute=True):
        pay(registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert registration.ticket_code
    assert counters(event) == (2, 2)


def test_paid_waitlist_gets_an_offer_that_expires(
    org_tree,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(
        org=org_tree.college, capacity=1, price=3000, offer_minutes=60
    )
    holder = sign_up(event, ticket, UserFactory())
    first, second = (sign_up(event, ticket, UserFactory()) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=holder.user, registration=holder)
    assert _refresh(first, second) == [S.OFFERED, S.WAITLISTED]
    assert first.payment is not None and first.payment.amount == 3000
    expires = first.offer_expires_at
    assert dt.timedelta(minutes=59) < expires - timezone.now() <= dt.timedelta(minutes=60)
    assert first.payment.expires_at >= expires  # the order stays payable while offered
    assert Notification.objects.filter(user=first.user, kind="events.seat_offered").exists()
    # Not yet expired: nothing moves.
    assert holds_expire() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert holds_expire(now=expires + dt.timedelta(seconds=1)) == 1
    assert _refresh(first, second) == [S.CANCELLED, S.OFFERED]
    first.payment.refresh_from_db()
    assert first.payment.status == OrderStatus.CLOSED
    assert counters(event) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        pay(second)
    assert _refresh(second) == [S.CONFIRMED]


def test_unpaid_registration_expires_and_frees_the_seat(
    org_tree,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, price=1000)
    unpaid = sign_up(event, ticket, UserFactory())
    waiting = sign_up(event, ticket, UserFactory())
    later = unpaid.payment.expires_at + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert holds_expire(now=later) == 1
    assert _refresh(unpaid, waiting) == [S.CANCELLED, S.OFFERED]
    assert counters(event) == (1, 1)


def test_payment_after_expiry_is_refunded(
    org_tree,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1, price=1000)
    late = sign_up(event, ticket, UserFactory())
    order = late.payment
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(actor=late.user, registration=late)
    # The payer paid on their phone before the order was closed; the notification comes late.
    from xiaoyou.payments.models import PaymentOrder
    from xiaoyou.payments.providers.base import PaymentState
    from xiaoyou.payments.services.settlement import payment_state_apply

    PaymentOrder.objects.filter(pk=order.pk).update(status=OrderStatus.PAYING, provider="fake")
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        payment_state_apply(
            order=order,
            state=PaymentState(out_trade_no=order.out_trade_no, state="paid", amount=1000),
            source="notification",
        )
    assert _refresh(late) == [S.CANCELLED]
    refund = PaymentRefund.objects.get(order=order)
    assert refund.amount == 1000
    assert counters(event) == (0, 0)


def test_cancelling_a_paid_registration_refunds_it(
    org_tree,
    verified_alumnus,
    gateway,
    django_capture_on_commit_callbacks,
):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=3, price=2000)
    registration = sign_up(event, ticket, verified_alumnus)
    with django_capture_on_commit_callbacks(execute=True):
        pay(registration)
    with django_capture_on_commit_callbacks(execute=True):
        assert registration_cancel(actor=verified_alumnus, registration=registration)
    refund = PaymentRefund.objects.get(order=registration.payment)
    assert refund.amount == 2000
    assert refund.out_refund_no.endswith("E")
    registration.payment.refresh_from_db()
    assert registration.payment.status == OrderStatus.REFUNDED
    assert counters(event) == (0, 0)


def test_promote_is_a_no_op_when_full(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1)
    sign_up(event, ticket, UserFactory())
    sign_up(event, ticket, UserFactory())
    assert waitlist_promote(event=event) == []


def test_periodic_pass_serves_a_waitlist_left_behind(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=1)
    sign_up(event, ticket, UserFactory())
    waiting = sign_up(event, ticket, UserFactory())
    # A seat freed without promotion (the releaser's promotion ran before this sign-up
    # committed): the periodic pass hands it out.
    from xiaoyou.events.models import Event

    Event.objects.filter(pk=event.pk).update(capacity=2)
    assert holds_expire() == 0
    assert _refresh(waiting) == [S.CONFIRMED]
    assert counters(event) == (2, 2)
