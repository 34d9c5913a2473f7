"""Recurring series (系列活动) and sessions (分场): the services, the console card that drives
them, and the hall pages that show them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import EventFactory, TicketTypeFactory
from tests.organizations.org_support import console_login
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.events.models import Event, EventStatus
from xiaoyou.events.services.series import (
    event_series_extend,
    event_session_add,
    occurrence_shift,
)

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(year: int, month: int, day: int, hour: int = 19) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


def test_occurrences_keep_the_local_time_and_clamp_month_ends():
    start = _at(2027, 1, 31)
    assert occurrence_shift(start, "weekly", 2) == _at(2027, 2, 14)
    assert occurrence_shift(start, "biweekly", 1) == _at(2027, 2, 14)
    assert occurrence_shift(start, "monthly", 1) == _at(2027, 2, 28)  # no 31 February
    assert occurrence_shift(start, "monthly", 2) == _at(2027, 3, 31)
    assert occurrence_shift(start, "monthly", 12) == _at(2028, 1, 31)
    assert occurrence_shift(None, "weekly", 1) is None


def test_series_extend_makes_draft_dates_with_tickets(org_tree, college_admin):
    event = EventFactory(
        org=org_tree.college,
        starts_at=_at(2027, 3, 5),
        ends_at=_at(2027, 3, 5, 21),
        registration_closes_at=_at(2027, 3, 4, 12),
        capacity=30,
    )
    TicketTypeFactory(event=event, name="晚餐", price=8800, capacity=20)
    created = event_series_extend(actor=college_admin, event=event, frequency="monthly", count=3)
    event.refresh_from_db()
    assert event.series_key and len(event.series_key) == 16
    assert [item.starts_at for item in created] == [
        _at(2027, 4, 5),
        _at(2027, 5, 5),
        _at(2027, 6, 5),
    ]
    assert created[0].registration_closes_at == _at(2027, 4, 4, 12)
    for item in created:
        item.refresh_from_db()
        assert item.status == EventStatus.DRAFT
        assert item.series_key == event.series_key
        assert item.capacity == 30 and item.seats_taken == 0
        assert [(t.name, t.price, t.capacity) for t in item.ticket_types.all()] == [
            ("晚餐", 8800, 20)
        ]
    # A second extension continues from the event it is asked on, in the same series.
    event_series_extend(actor=college_admin, event=event, frequency="weekly", count=1)
    assert Event.objects.filter(series_key=event.series_key).count() == 5
    assert AuditEntry.objects.filter(action="events.event.series_extend").count() == 2


@pytest.mark.parametrize(("frequency", "count"), [("daily", 2), ("weekly", 0), ("weekly", 53)])
def test_series_extend_refuses_bad_input(org_tree, college_admin, frequency, count):
    event = EventFactory(org=org_tree.college)
    with pytest.raises(ApplicationError) as error:
        event_series_extend(actor=college_admin, event=event, frequency=frequency, count=count)
    assert error.value.code == "events.series_invalid"
    assert Event.objects.count() == 1


def test_only_managers_extend_or_add_sessions(org_tree, regional_admin, verified_alumnus):
    event = EventFactory(org=org_tree.college)
    for actor in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            event_series_extend(actor=actor, event=event, frequency="weekly", count=1)
        with pytest.raises(PermissionDenied):
            event_session_add(actor=actor, parent=event, title="论坛")
    assert Event.objects.count() == 1


def test_sessions_are_child_drafts_one_level_deep(org_tree, college_admin):
    event = EventFactory(org=org_tree.college, series_key="abc", is_pinned=True)
    TicketTypeFactory(event=event)
    session = event_session_add(actor=college_admin, parent=event, title="  分论坛：人工智能 ")
    assert session.parent_id == event.pk
    assert session.title == "分论坛：人工智能"
    assert session.status == EventStatus.DRAFT
    assert session.series_key == "" and not session.is_pinned
    assert session.ticket_types.count() == 1
    with pytest.raises(ApplicationError) as error:
        event_session_add(actor=college_admin, parent=session, title="子子活动")
    assert error.value.code == "events.session_of_session"
    with pytest.raises(ApplicationError) as error:
        event_series_extend(actor=college_admin, event=session, frequency="weekly", count=1)
    assert error.value.code == "events.series_of_session"
    with pytest.raises(ApplicationError) as error:
        event_session_add(actor=college_admin, parent=event, title="   ")
    assert error.value.code == "events.title_required"


def test_console_card_extends_the_series_and_adds_a_session(client, org_tree, college_admin):
    event = EventFactory(org=org_tree.college, title="读书会")
    TicketTypeFactory(event=event)
    console_login(client, college_admin)
    page = client.get(reverse("console:event_edit", args=[event.pk]))
    assert b"data-series" in page.content and b"data-sessions" in page.content
    response = client.post(
        reverse("console:event_series_extend", args=[event.pk]),
        {"frequency": "weekly", "count": "2"},
    )
    assert response.status_code == 302
    assert Event.objects.filter(title="读书会").count() == 3
    page = client.get(reverse("console:event_edit", args=[event.pk]))
    assert page.content.count(b'data-event-status="draft"') >= 2
    response = client.post(
        reverse("console:event_series_extend", args=[event.pk]),
        {"frequency": "weekly", "count": "x"},
        follow=True,
    )
    assert "1 to 52" in response.content.decode() or "1 至 52" in response.content.decode()
    response = client.post(
        reverse("console:event_session_add", args=[event.pk]), {"title": "茶歇交流"}
    )
    session = Event.objects.get(title="茶歇交流")
    assert response["Location"] == reverse("console:event_edit", args=[session.pk])
    page = client.get(reverse("console:event_edit", args=[session.pk]))
    assert "读书会" in page.content.decode()  # "a session of" the main event


def test_hall_shows_published_sessions_and_upcoming_dates_only(client, org_tree):
    now = timezone.now()
    main = EventFactory(org=org_tree.college, title="返校日", series_key="s1")
    EventFactory(org=org_tree.college, title="返校日", series_key="s1",
                 starts_at=now + dt.timedelta(days=40))  # fmt: skip
    EventFactory(org=org_tree.college, title="返校日", series_key="s1",
                 starts_at=now - dt.timedelta(days=40))  # fmt: skip
    EventFactory(org=org_tree.college, title="返校日", series_key="s1",
                 starts_at=now + dt.timedelta(days=50), status=EventStatus.DRAFT)  # fmt: skip
    EventFactory(org=org_tree.college, title="校友论坛", parent=main)
    EventFactory(org=org_tree.college, title="草稿分场", parent=main, status=EventStatus.DRAFT)
    html = client.get(reverse("hall:event", args=[main.pk])).content.decode()
    assert "校友论坛" in html and "草稿分场" not in html
    assert html.count("data-series") == 1
    upcoming = (now + dt.timedelta(days=40)).astimezone(SHANGHAI).strftime("%Y-%m-%d")
    assert upcoming in html
    listing = client.get(reverse("hall:events")).content.decode()
    assert "返校日" in listing and "校友论坛" not in listing  # sessions live on the main page
