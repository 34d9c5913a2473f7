"""Capacity under concurrency: threads, each with its own connection to the file database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.events.support import counters, event_with_ticket
from tests.factories import OrganizationFactory, UserFactory
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events.models import Registration, RegistrationStatus
from xiaoyou.events.services.capacity import seats_release, seats_take
from xiaoyou.events.services.registrations import registration_cancel, registration_create

S = RegistrationStatus


def _rush(event, ticket, users, *, guests=0):
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))

    def sign_up(user):
        try:
            barrier.wait()
            registration = registration_create(
                event=event, ticket_type=ticket, user=user, name="抢票", guests=guests
            )
            result = registration.status
        except ApplicationError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=sign_up, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_never_oversell():
    org = OrganizationFactory()
    event, ticket = event_with_ticket(org=org, capacity=5, max_guests=1)
    users = [UserFactory() for _ in range(24)]
    outcomes = _rush(event, ticket, users)
    assert outcomes.count(S.CONFIRMED) == 5
    assert outcomes.count(S.WAITLISTED) == 19
    assert counters(event) == (5, 5)
    ticket.refresh_from_db()
    assert ticket.seats_taken == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_with_guests_and_no_waitlist():
    org = OrganizationFactory()
    event, ticket = event_with_ticket(
        org=org, capacity=7, ticket_capacity=6, max_guests=1, waitlist_enabled=False
    )
    outcomes = _rush(event, ticket, [UserFactory() for _ in range(12)], guests=1)
    assert outcomes.count(S.CONFIRMED) == 3  # 2 seats each; the ticket type's 6 is the limit
    assert outcomes.count("events.full") == 9
    assert counters(event) == (6, 6)


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancels_release_the_seat_once():
    org = OrganizationFactory()
    event, ticket = event_with_ticket(org=org, capacity=3, waitlist_enabled=False)
    user = UserFactory()
    registration = registration_create(event=event, ticket_type=ticket, user=user, name="甲")
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def cancel():
        barrier.wait()
        try:
            copy = Registration.objects.get(pk=registration.pk)
            results.append(registration_cancel(actor=user, registration=copy))
        except ApplicationError:
            results.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1
    assert counters(event) == (0, 0)


@pytest.mark.django_db
def test_seats_take_checks_event_then_ticket_type_and_undoes_the_event(org_tree):
    event, ticket = event_with_ticket(org=org_tree.college, capacity=10, ticket_capacity=2)
    assert seats_take(event_id=event.pk, ticket_type_id=ticket.pk, seats=2)
    assert not seats_take(event_id=event.pk, ticket_type_id=ticket.pk, seats=1)
    event.refresh_from_db()
    assert event.seats_taken == 2  # the event's increment was given back
    assert seats_take(event_id=event.pk, ticket_type_id=ticket.pk, seats=5, beyond_capacity=True)
    ticket.refresh_from_db()
    assert ticket.seats_taken == 7
    seats_release(event_id=event.pk, ticket_type_id=ticket.pk, seats=7)
    seats_release(event_id=event.pk, ticket_type_id=ticket.pk, seats=7)  # never below zero
    event.refresh_from_db()
    ticket.refresh_from_db()
    assert (event.seats_taken, ticket.seats_taken) == (0, 0)
