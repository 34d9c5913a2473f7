"""E-tickets: issue, signed tokens, verification, check-in once, every attempt recorded."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import hooks
from xiaoyou.events.models import CheckIn, CheckInSource, Registration, RegistrationStatus
from xiaoyou.events.services import tickets


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college)


@pytest.fixture
def ticket(event, verified_alumnus):
    registration = RegistrationFactory(event=event, user=verified_alumnus, name="张伟")
    return tickets.ticket_issue(registration=registration)


def test_issue_gives_a_stable_code_and_creates_the_event_secret(event, ticket):
    assert len(ticket.ticket_code) == tickets.CODE_LENGTH
    event.refresh_from_db()
    assert len(event.ticket_secret) == 64
    code = ticket.ticket_code
    assert tickets.ticket_issue(registration=ticket).ticket_code == code
    assert Registration.objects.get(pk=ticket.pk).ticket_code == code


def test_payload_is_compact_qr_alphanumeric_and_verifies(event, ticket):
    token = tickets.ticket_payload(ticket)
    assert len(token) == 27
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567.")
    assert tickets.ticket_verify(event, token) == ticket
    assert tickets.ticket_verify(event, token.lower()) == ticket


def test_forged_malformed_and_foreign_tokens_are_refused(event, ticket, org_tree):
    token = tickets.ticket_payload(ticket)
    code, signature = token.split(".")
    forged = f"{code}.{'A' * len(signature)}"
    with pytest.raises(ApplicationError) as error:
        tickets.ticket_verify(event, forged)
    assert error.value.code == "events.ticket_forged"
    with pytest.raises(ApplicationError) as error:
        tickets.ticket_verify(event, "hello world")
    assert error.value.code == "events.ticket_malformed"
    other = tickets.ticket_issue(
        registration=RegistrationFactory(event=EventFactory(org=org_tree.college))
    )
    with pytest.raises(ApplicationError) as error:
        tickets.ticket_verify(event, tickets.ticket_payload(other))
    assert error.value.code == "events.ticket_foreign"


def test_rotating_the_secret_invalidates_tickets(event, ticket):
    token = tickets.ticket_payload(ticket)
    event.ticket_secret = ""
    event.save(update_fields=["ticket_secret"])
    with pytest.raises(ApplicationError):
        tickets.ticket_verify(event, token)


def test_scan_checks_in_once_and_records_every_attempt(
    event, ticket, college_admin, django_capture_on_commit_callbacks
):
    received: list[Registration] = []
    hooks.attendee_checked_in.subscribe(received.append)
    try:
        token = tickets.ticket_payload(ticket)
        with pytest.raises(PermissionDenied):
            tickets.check_in(event=event, token=token, actor=ticket.user, source="scan")
        with django_capture_on_commit_callbacks(execute=True):
            first = tickets.check_in(event=event, token=token, actor=college_admin, source="scan")
        second = tickets.check_in(event=event, token=token, actor=college_admin, source="scan")
        forged = tickets.check_in(
            event=event, token=token[:-2] + "AA", actor=college_admin, source="scan"
        )
    finally:
        hooks.attendee_checked_in.unsubscribe(received.append)
    assert (first.accepted, first.reason, first.by) == (True, "", college_admin)
    assert (second.accepted, second.reason) == (False, tickets.DUPLICATE)
    assert (forged.accepted, forged.reason, forged.registration) == (False, tickets.FORGED, None)
    ticket.refresh_from_db()
    assert ticket.checked_in_at == first.scanned_at
    assert CheckIn.objects.filter(event=event).count() == 3
    assert [registration.pk for registration in received] == [ticket.pk]


def test_only_confirmed_registrations_check_in(event, college_admin):
    pending = tickets.ticket_issue(
        registration=RegistrationFactory(event=event, status=RegistrationStatus.PENDING_REVIEW)
    )
    row = tickets.check_in(
        event=event, registration=pending, actor=college_admin, source=CheckInSource.SEARCH
    )
    assert (row.accepted, row.reason) == (False, tickets.NOT_CONFIRMED)
    pending.refresh_from_db()
    assert pending.checked_in_at is None


def test_other_org_admins_may_not_check_in(event, ticket, regional_admin):
    with pytest.raises(PermissionDenied):
        tickets.check_in(
            event=event, registration=ticket, actor=regional_admin, source=CheckInSource.SEARCH
        )
    assert not CheckIn.objects.exists()


def test_self_check_in_with_the_event_qr(event, ticket, outsider):
    with pytest.raises(ApplicationError):
        tickets.self_check_in(event=event, token="WRONG", actor=ticket.user)
    token = tickets.event_self_token(event)
    row = tickets.self_check_in(event=event, token=token, actor=ticket.user)
    assert (row.accepted, row.source, row.registration) == (True, CheckInSource.SELF, ticket)
    with pytest.raises(ApplicationError) as error:
        tickets.self_check_in(event=event, token=token, actor=outsider)
    assert error.value.code == "events.ticket_not_registered"
    assert CheckIn.objects.filter(accepted=False, reason=tickets.NOT_REGISTERED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_scanners_at_once_accept_the_ticket_once(org_tree, college_admin):
    event = EventFactory(org=org_tree.college)
    ticket = tickets.ticket_issue(registration=RegistrationFactory(event=event))
    token = tickets.ticket_payload(ticket)
    barrier = threading.Barrier(10)
    failures: list[BaseException] = []

    def scan(number: int) -> None:
        try:
            barrier.wait()
            tickets.check_in(
                event=event,
                token=token,
                actor=college_admin,
                source=CheckInSource.SCAN,
                device=f"scanner-{number}",
            )
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    rows = CheckIn.objects.filter(event=event)
    assert rows.filter(accepted=True).count() == 1
    assert sorted(rows.values_list("reason", flat=True)) == [""] + [tickets.DUPLICATE] * 9
