"""Offline check-in: devices queue scans without network and sync them when back."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.events.models import CheckIn, CheckInSource, RegistrationStatus
from xiaoyou.events.services import tickets


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_two_offline_devices_same_ticket_one_accepted_one_flagged(event, college_admin):
    guest = tickets.ticket_issue(registration=RegistrationFactory(event=event))
    token = tickets.ticket_payload(guest)
    early = timezone.now() - dt.timedelta(minutes=10)
    first = tickets.checkin_sync(
        event=event,
        actor=college_admin,
        device="door-a",
        scans=[{"token": token, "scanned_at": iso(early)}],
    )
    second = tickets.checkin_sync(
        event=event,
        actor=college_admin,
        device="door-b",
        scans=[{"token": token, "scanned_at": iso(early + dt.timedelta(minutes=1))}],
    )
    assert [(row.accepted, row.source) for row in first] == [(True, CheckInSource.OFFLINE)]
    assert [(row.accepted, row.reason) for row in second] == [(False, tickets.OFFLINE_CONFLICT)]
    guest.refresh_from_db()
    assert guest.checked_in_at == early  # the time the door scanned it, not the sync time


def test_a_retried_upload_is_recorded_once_and_the_same_device_rescan_is_a_duplicate(
    event, college_admin
):
    guest = tickets.ticket_issue(registration=RegistrationFactory(event=event))
    token = tickets.ticket_payload(guest)
    moment = timezone.now() - dt.timedelta(minutes=3)
    scans = [
        {"token": token, "scanned_at": iso(moment)},
        {"token": token, "scanned_at": iso(moment + dt.timedelta(seconds=30))},
    ]
    tickets.checkin_sync(event=event, actor=college_admin, device="door-a", scans=scans)
    tickets.checkin_sync(event=event, actor=college_admin, device="door-a", scans=scans)
    reasons = sorted(CheckIn.objects.filter(event=event).values_list("reason", flat=True))
    assert reasons == ["", tickets.DUPLICATE]


def test_sync_refuses_forged_and_cancelled_and_clamps_future_times(event, college_admin):
    cancelled = tickets.ticket_issue(
        registration=RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    )
    future = timezone.now() + dt.timedelta(days=1)
    rows = tickets.checkin_sync(
        event=event,
        actor=college_admin,
        device="door-a",
        scans=[
            {"token": tickets.ticket_payload(cancelled), "scanned_at": iso(future)},
            {"token": "ABCDEFGHJK.AAAAAAAAAAAAAAAA", "scanned_at": "not a time"},
        ],
    )
    assert sorted(row.reason for row in rows) == [tickets.FORGED, tickets.NOT_CONFIRMED]
    assert all(row.scanned_at <= timezone.now() for row in rows)


def test_offline_bundle_key_verifies_signatures_like_the_browser(event, college_admin):
    guest = tickets.ticket_issue(registration=RegistrationFactory(event=event, seat="1桌1号"))
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    bundle = tickets.offline_bundle(event=event, actor=college_admin)
    assert [ticket["code"] for ticket in bundle["tickets"]] == [guest.ticket_code]
    key = base64.b64decode(bundle["key"])
    # What checkin.js computes with WebCrypto: HMAC-SHA256(key, "<event>:<code>"), 10 bytes.
    digest = hmac.new(key, f"{event.pk}:{guest.ticket_code}".encode(), hashlib.sha256).digest()
    signature = base64.b32encode(digest[:10]).decode()
    assert f"{guest.ticket_code}.{signature}" == tickets.ticket_payload(guest)
    assert bundle["key"] not in event.ticket_secret  # the master secret never leaves


def test_only_event_staff_sync_or_download(event, regional_admin):
    with pytest.raises(PermissionDenied):
        tickets.offline_bundle(event=event, actor=regional_admin)
    with pytest.raises(PermissionDenied):
        tickets.checkin_sync(event=event, actor=regional_admin, device="x", scans=[])
