"""Check-in pages: the console scanner's JSON, search, seats, badges; my e-ticket; self check-in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.events.factories import EventFactory, RegistrationFactory
from tests.organizations.org_support import console_login
from xiaoyou.events.models import CheckIn, Registration, RegistrationStatus
from xiaoyou.events.services import tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="校庆晚宴")


@pytest.fixture
def guest(event, verified_alumnus):
    registration = RegistrationFactory(
        event=event, user=verified_alumnus, name="张伟", seat="1桌1号"
    )
    return tickets.ticket_issue(registration=registration)


def test_scan_json_accepts_once_then_refuses(client, event, guest, college_admin):
    console_login(client, college_admin)
    page = client.get(reverse("console:events_checkin", args=[event.pk]))
    assert page.status_code == 200
    assert b"vendor/jsQR.js" in page.content and b"events/checkin.js" in page.content
    url = reverse("console:events_checkin_scan", args=[event.pk])
    body = {"token": tickets.ticket_payload(guest), "device": "phone-1"}
    first = client.post(url, body, content_type="application/json").json()
    second = client.post(url, body, content_type="application/json").json()
    assert first["accepted"] is True
    assert first["attendee"]["name"] == "张伟" and first["attendee"]["seat"] == "1桌1号"
    counts = client.get(reverse("console:events_checkin_counts", args=[event.pk])).json()
    assert counts == {"confirmed": 1, "checked_in": 1}
    assert (second["accepted"], second["reason"]) == (False, tickets.DUPLICATE)
    assert second["message"] == tickets.reason_text(tickets.DUPLICATE)


def test_search_and_manual_check_in(client, event, guest, college_admin):
    console_login(client, college_admin)
    found = client.get(reverse("console:events_checkin_search", args=[event.pk]), {"q": "张"})
    [hit] = found.json()["results"]
    assert hit["id"] == guest.pk and hit["can_check_in"] is True
    url = reverse("console:events_checkin_manual", args=[event.pk, guest.pk])
    result = client.post(url, {}, content_type="application/json").json()
    assert result["accepted"] is True
    assert CheckIn.objects.get().source == "search"


def test_seats_page_assigns_and_exports(client, event, college_admin):
    people = [RegistrationFactory(event=event, guests=1) for _ in range(3)]
    console_login(client, college_admin)
    url = reverse("console:events_seats", args=[event.pk])
    response = client.post(url, {"layout": "table", "size": 4, "start": 1})
    assert response.status_code == 302
    seats = [Registration.objects.get(pk=person.pk).seat for person in people]
    assert len(set(seats)) == 3 and all(seats)
    export = client.get(reverse("console:events_seats_export", args=[event.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    pdf = client.get(reverse("console:events_badges_pdf", args=[event.pk]), {"size": "90x54"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_my_ticket_only_for_the_registrant(client, event, guest, outsider):
    client.force_login(guest.user)
    page = client.get(reverse("hall:ticket_detail", args=[guest.pk]))
    assert page.status_code == 200
    assert guest.ticket_code.encode() in page.content and b"qr-code" in page.content
    assert client.get(reverse("hall:tickets")).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("hall:ticket_detail", args=[guest.pk])).status_code == 404


def test_an_unconfirmed_registration_shows_no_qr(client, event, verified_alumnus):
    pending = RegistrationFactory(
        event=event, user=verified_alumnus, status=RegistrationStatus.PENDING_REVIEW
    )
    client.force_login(verified_alumnus)
    page = client.get(reverse("hall:ticket_detail", args=[pending.pk]))
    assert page.status_code == 200 and b"qr-code" not in page.content


def test_self_check_in_from_the_venue_qr(client, event, guest, college_admin):
    console_login(client, college_admin)
    venue = client.get(reverse("console:events_checkin_venue_qr", args=[event.pk]))
    url = reverse("hall:ticket_self_checkin", args=[event.pk, tickets.event_self_token(event)])
    assert url.encode() in venue.content
    client.force_login(guest.user)
    assert client.get(url).status_code == 200
    assert Registration.objects.get(pk=guest.pk).checked_in_at is None  # a GET never writes
    done = client.post(url)
    assert done.status_code == 200 and b'data-self-result="accepted"' in done.content
    assert Registration.objects.get(pk=guest.pk).checked_in_at is not None
    wrong = reverse("hall:ticket_self_checkin", args=[event.pk, "WRONGTOKEN"])
    assert client.get(wrong).status_code == 404
