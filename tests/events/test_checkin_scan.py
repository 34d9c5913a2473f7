"""The scanner endpoint at the door: what one scan costs in statements, and that the fast path
keeps every rule (permission, signature, once only, every attempt recorded, the hook)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.events.factories import EventFactory, RegistrationFactory
from tests.organizations.org_support import console_login
from xiaoyou.events import hooks
from xiaoyou.events.models import CheckIn, Registration, RegistrationStatus
from xiaoyou.events.services import tickets

pytestmark = pytest.mark.django_db

# One accepted scan: session, user, the user's roles (console access and the check_in rule),
# registration + event + organization in one query, then the claim (UPDATE) and its CheckIn
# row (INSERT) inside a savepoint (BEGIN/COMMIT outside tests). A refusal known from what was
# read is the four reads and one INSERT. No count over the event's registrations.
ACCEPTED_SCAN_STATEMENTS = 8
REFUSED_SCAN_STATEMENTS = 5


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="校庆晚宴")


@pytest.fixture
def guests(event, verified_alumnus):
    people = [RegistrationFactory(event=event, user=verified_alumnus, name="张伟", seat="1桌1号")]
    people += [RegistrationFactory(event=event) for _ in range(5)]
    return [tickets.ticket_issue(registration=person) for person in people]


@pytest.fixture
def scanner(client, college_admin, event):
    console_login(client, college_admin)
    url = reverse("console:events_checkin_scan", args=[event.pk])
    # The first console request of a session writes its last-activity time: outside the counts.
    client.get(reverse("console:events_checkin_counts", args=[event.pk]))

    def scan(token: str) -> dict:
        response = client.post(
            url, {"token": token, "device": "door-1"}, content_type="application/json"
        )
        assert response.status_code == 200
        return response.json()

    return scan


def _no_count(queries: CaptureQueriesContext) -> None:
    assert not [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def test_an_accepted_scan_costs_a_fixed_number_of_statements(
    scanner, guests, django_assert_max_num_queries
):
    token = tickets.ticket_payload(guests[0])
    with django_assert_max_num_queries(ACCEPTED_SCAN_STATEMENTS) as queries:
        result = scanner(token)
    assert result["accepted"] is True
    assert result["attendee"]["name"] == "张伟" and result["attendee"]["seat"] == "1桌1号"
    assert "counts" not in result  # polled by the page, not computed per scan
    _no_count(queries)
    with django_assert_max_num_queries(REFUSED_SCAN_STATEMENTS) as queries:
        again = scanner(token)
    assert (again["accepted"], again["reason"]) == (False, tickets.DUPLICATE)
    assert again["attendee"]["checked_in_at"]  # when the guest came in, shown to the door
    _no_count(queries)


def test_the_statements_do_not_grow_with_the_event(scanner, event, guests):
    tokens = [tickets.ticket_payload(person) for person in guests]
    with CaptureQueriesContext(connection) as few:
        scanner(tokens[1])
    for _ in range(40):
        tickets.ticket_issue(registration=RegistrationFactory(event=event))
    with CaptureQueriesContext(connection) as many:
        scanner(tokens[2])
    assert len(many) == len(few) <= ACCEPTED_SCAN_STATEMENTS


@pytest.mark.parametrize("kind", ["forged", "malformed", "foreign"])
def test_bad_codes_are_refused_recorded_and_cheap(
    kind, scanner, event, guests, org_tree, django_assert_max_num_queries
):
    token = tickets.ticket_payload(guests[1])
    code, signature = token.split(".")
    other = tickets.ticket_issue(
        registration=RegistrationFactory(event=EventFactory(org=org_tree.college))
    )
    scanned = {
        "forged": f"{code}.{'A' * len(signature)}",
        "malformed": "not a ticket",
        "foreign": tickets.ticket_payload(other),
    }[kind]
    # A code that is no ticket of this event needs the event read on its own.
    most = REFUSED_SCAN_STATEMENTS + (kind == "foreign")
    with django_assert_max_num_queries(most):
        result = scanner(scanned)
    assert (result["accepted"], result["reason"], result["attendee"]) == (False, kind, None)
    row = CheckIn.objects.get()
    assert (row.event_id, row.accepted, row.reason, row.device) == (event.pk, False, kind, "door-1")
    assert row.registration_id is None
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0


def test_a_ticket_signed_for_this_event_but_unknown_is_forged(scanner, event, guests):
    code = "ABCDEFGHJK"
    result = scanner(f"{code}.{tickets.ticket_signature(event, code)}")
    assert (result["accepted"], result["reason"]) == (False, tickets.FORGED)


def test_a_registration_no_longer_confirmed_is_refused(scanner, guests):
    Registration.objects.filter(pk=guests[2].pk).update(status=RegistrationStatus.CANCELLED)
    result = scanner(tickets.ticket_payload(guests[2]))
    assert (result["accepted"], result["reason"]) == (False, tickets.NOT_CONFIRMED)
    assert Registration.objects.get(pk=guests[2].pk).checked_in_at is None
    assert CheckIn.objects.get().reason == tickets.NOT_CONFIRMED


def test_the_hook_gets_the_whole_registrant_once(
    scanner, guests, django_assert_num_queries, django_capture_on_commit_callbacks
):
    received: list[Registration] = []
    hooks.attendee_checked_in.subscribe(received.append)
    try:
        token = tickets.ticket_payload(guests[0])
        with django_capture_on_commit_callbacks(execute=True):
            scanner(token)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            scanner(token)
        assert callbacks == []  # a refused scan sends nothing
    finally:
        hooks.attendee_checked_in.unsubscribe(received.append)
    [registration] = received
    assert registration.pk == guests[0].pk and registration.checked_in_at is not None
    with django_assert_num_queries(0):  # subscribers read the account without more queries
        assert registration.user.phone == guests[0].user.phone
        assert registration.event.pk == guests[0].event_id


def test_another_organizations_admin_gets_404_and_nothing_is_recorded(
    client, event, guests, org_tree
):
    from tests.factories import UserFactory
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.services import role_grant

    other_admin = UserFactory(is_staff=True)
    role_grant(actor=None, user=other_admin, org=org_tree.other_college, role=Role.ADMIN)
    console_login(client, other_admin)
    response = client.post(
        reverse("console:events_checkin_scan", args=[event.pk]),
        {"token": tickets.ticket_payload(guests[0]), "device": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()
    assert Registration.objects.get(pk=guests[0].pk).checked_in_at is None


def test_an_unknown_event_is_404(scanner, client, guests):
    response = client.post(
        reverse("console:events_checkin_scan", args=[999999]),
        {"token": tickets.ticket_payload(guests[0])},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_counts_are_polled(client, college_admin, event, guests, scanner):
    url = reverse("console:events_checkin_counts", args=[event.pk])
    assert client.get(url).json() == {"confirmed": 6, "checked_in": 0}
    scanner(tickets.ticket_payload(guests[3]))
    scanner(tickets.ticket_payload(guests[3]))
    response = client.get(url)
    assert response.json() == {"confirmed": 6, "checked_in": 1}
    assert response["Cache-Control"] == "no-store"
    page = client.get(reverse("console:events_checkin", args=[event.pk]))
    assert url.encode() in page.content  # the page knows where to poll
