"""Hall events pages: the list (visibility, search by keyword/organization/tag/place, the
visitor's status, a fixed query count), an event's page (status, seats left, share card),
registering (free: the result page; approval: waiting; paid: the pay page), my events,
cancelling, the .ics file read back by a strict RFC 5545 parser, starting an event, and the
home section and personal-center entry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from xiaoyou.events.models import Event, EventStatus, Registration, RegistrationStatus, Visibility

pytestmark = pytest.mark.django_db
LIST = "/events/"


def _titles(response) -> list[str]:
    return [event.title for event in response.context["page"].object_list]


@pytest.fixture
def events(org_tree):
    soon = timezone.now() + dt.timedelta(days=2)
    reunion = EventFactory(
        org=org_tree.college,
        title="学院十年返校",
        place="图书馆报告厅",
        starts_at=soon,
        capacity=10,
        tags=["返校", "校庆"],
    )
    TicketTypeFactory(event=reunion, name="校友票", price=0)
    hike = EventFactory(org=org_tree.club, title="周末徒步", place="西山", tags=["运动"])
    TicketTypeFactory(event=hike, price=3000)
    draft = EventFactory(org=org_tree.college, title="草稿活动", status=EventStatus.DRAFT)
    members = EventFactory(
        org=org_tree.other_college, title="他院会员活动", visibility=Visibility.MEMBERS
    )
    past = EventFactory(
        org=org_tree.college,
        title="去年年会",
        starts_at=timezone.now() - dt.timedelta(days=30),
    )
    return {"reunion": reunion, "hike": hike, "draft": draft, "members": members, "past": past}


def test_list_shows_visible_published_upcoming_events(client, events, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _titles(response) == ["学院十年返校", "周末徒步"]
    assert _titles(client.get(LIST, {"when": "past"})) == ["去年年会"]


def test_list_search(client, events, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    assert _titles(client.get(LIST, {"q": "徒步"})) == ["周末徒步"]
    assert _titles(client.get(LIST, {"place": "图书馆"})) == ["学院十年返校"]
    assert _titles(client.get(LIST, {"tag": "校庆"})) == ["学院十年返校"]
    assert _titles(client.get(LIST, {"tag": "校"})) == []  # whole tags only
    assert _titles(client.get(LIST, {"org": org_tree.club.pk})) == ["周末徒步"]
    assert _titles(client.get(LIST, {"org": org_tree.college.pk})) == ["学院十年返校", "周末徒步"]


def test_list_shows_my_status_with_a_fixed_query_count(
    client, events, org_tree, verified_alumnus, django_assert_max_num_queries
):
    RegistrationFactory(event=events["reunion"], user=verified_alumnus)
    client.force_login(verified_alumnus)
    with django_assert_max_num_queries(40) as few:
        response = client.get(LIST)
    cards = {event.title: event.my_status for event in response.context["page"].object_list}
    assert cards == {"学院十年返校": RegistrationStatus.CONFIRMED, "周末徒步": None}
    for index in range(8):
        event = EventFactory(org=org_tree.college, title=f"活动{index}")
        TicketTypeFactory(event=event)
        RegistrationFactory(event=event, user=verified_alumnus)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 10


def test_detail_shows_status_seats_and_share_card(client, events, verified_alumnus):
    reunion = events["reunion"]
    reunion.seats_taken = 3
    reunion.save(update_fields=["seats_taken"])
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:event", args=[reunion.pk]))
    assert response.status_code == 200
    assert response.context["seats_left"] == 7
    assert response.context["registration"] is None
    html = response.content.decode()
    assert '<meta property="og:title" content="学院十年返校">' in html
    assert 'data-action="register"' in html
    assert client.get(reverse("hall:event", args=[events["draft"].pk])).status_code == 404
    assert client.get(reverse("hall:event", args=[events["members"].pk])).status_code == 404


def test_register_for_a_free_event_with_form_and_guests(client, events, verified_alumnus):
    reunion = events["reunion"]
    reunion.max_guests = 2
    reunion.form_fields = [
        {"key": "year", "label": "入学年份", "type": "number", "required": True, "choices": []},
        {"key": "meal", "label": "餐食", "type": "choice", "required": False, "choices": ["素食"]},
    ]
    reunion.save()
    ticket = reunion.ticket_types.get()
    client.force_login(verified_alumnus)
    url = reverse("hall:event_register", args=[reunion.pk])
    assert client.get(url).status_code == 200
    data = {"ticket_type": ticket.pk, "name": "张伟", "phone": "13900000000", "guests": "3"}
    response = client.post(url, data)  # 3 guests > 2 and the year is required
    assert set(response.context["form"].errors) == {"guests", "answer_year"}
    response = client.post(
        url, {**data, "guests": "1", "answer_year": "2010", "answer_meal": "素食"}
    )
    registration = Registration.objects.get(user=verified_alumnus)
    assert response["Location"] == reverse("hall:event_registration", args=[registration.pk])
    assert (registration.status, registration.guests, registration.seats) == (
        RegistrationStatus.CONFIRMED,
        1,
        2,
    )
    assert registration.answers["meal"] == "素食"
    page = client.get(response["Location"])
    assert 'data-my-status="confirmed"' in page.content.decode()
    assert reverse("hall:ticket_detail", args=[registration.pk]) in page.content.decode()
    # Registering again leads to the registration, not a second one.
    assert client.get(url)["Location"] == response["Location"]


def test_register_with_approval_waits(client, events, verified_alumnus):
    reunion = events["reunion"]
    reunion.requires_approval = True
    reunion.save()
    client.force_login(verified_alumnus)
    client.post(
        reverse("hall:event_register", args=[reunion.pk]),
        {"ticket_type": reunion.ticket_types.get().pk, "name": "张伟", "phone": "13900000000"},
    )
    assert Registration.objects.get().status == RegistrationStatus.PENDING_REVIEW


def test_register_for_a_paid_ticket_goes_to_the_pay_page(client, events, verified_alumnus):
    hike = events["hike"]
    client.force_login(verified_alumnus)
    response = client.post(
        reverse("hall:event_register", args=[hike.pk]),
        {"ticket_type": hike.ticket_types.get().pk, "name": "张伟", "phone": "13900000000"},
    )
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.AWAITING_PAYMENT
    assert registration.payment.amount == 3000
    assert response["Location"] == f"/pay/{registration.payment.out_trade_no}/"


def test_my_events_and_cancel(client, events, verified_alumnus):
    registration = RegistrationFactory(
        event=events["reunion"],
        user=verified_alumnus,
        ticket_type=events["reunion"].ticket_types.get(),
    )
    mine = EventFactory(org=events["reunion"].org, title="我发起的", created_by=verified_alumnus)
    client.force_login(verified_alumnus)
    response = client.get(reverse("hall:my_events"))
    assert [item.pk for item in response.context["live"]] == [registration.pk]
    response = client.get(reverse("hall:my_events"), {"tab": "organized"})
    assert [event.pk for event in response.context["organized"]] == [mine.pk]
    client.post(reverse("hall:event_registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_someone_elses_registration_is_hidden(client, events, unverified_user):
    registration = RegistrationFactory(event=events["reunion"])
    client.force_login(unverified_user)
    assert client.get(reverse("hall:event_registration", args=[registration.pk])).status_code == 404
    response = client.post(reverse("hall:event_registration_cancel", args=[registration.pk]))
    assert response.status_code == 404


# --- Calendar file ------------------------------------------------------------------------

UTC_STAMP = re.compile(r"^\d{8}T\d{6}Z$")


def parse_ics(data: bytes) -> list[dict[str, str]]:
    """A strict reader of what RFC 5545 requires of us: CRLF line ends only, physical lines of
    at most 75 octets, folding by CRLF + one space, NAME[;params]:value content lines, balanced
    BEGIN/END with VCALENDAR outermost, VERSION 2.0 and PRODID; returns each VEVENT's
    properties with TEXT values unescaped."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert len(line) <= 75, (len(line), line)
    unfolded: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            unfolded[-1] += line[1:]  # folding may split a UTF-8 character: join octets
        else:
            unfolded.append(line)
    logical = [line.decode("utf-8") for line in unfolded]
    stack: list[str] = []
    events: list[dict[str, str]] = []
    calendar: dict[str, str] = {}
    for line in logical:
        match = re.match(r"^([A-Z][A-Z0-9-]*)((?:;[^:]*)?):(.*)$", line)
        assert match, line
        name, value = match.group(1), match.group(3)
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
            continue
        if name == "END":
            assert stack and stack.pop() == value
            continue
        assert stack, "property outside VCALENDAR"
        target = events[-1] if stack[-1] == "VEVENT" else calendar
        assert name not in target, f"{name} twice"
        target[name] = re.sub(
            r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value
        )
        assert not re.search(r"(?<!\\)[;,]", value) or name not in ("SUMMARY", "LOCATION")
    assert not stack
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event, required
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert UTC_STAMP.match(event[stamp]), event[stamp]
    return events


def test_calendar_file_is_valid_rfc5545(client, org_tree):
    starts = dt.datetime(2026, 12, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    title = "示范大学 2026 年校友返校日；欢迎回家, 老同学\\新朋友" + "——主会场" * 8
    event = EventFactory(
        org=org_tree.college,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
        place="大礼堂, 一楼",
        address="学府路 1 号",
        summary="第一行\n第二行",
    )
    response = client.get(reverse("hall:event_calendar", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [parsed] = parse_ics(response.content)
    assert parsed["SUMMARY"] == title
    assert parsed["LOCATION"] == "大礼堂, 一楼, 学府路 1 号"
    assert parsed["DESCRIPTION"] == "第一行\n第二行"
    assert parsed["DTSTART"] == "20261220T013000Z"
    assert parsed["DTEND"] == "20261220T093000Z"
    assert parsed["UID"] == f"event-{event.pk}@testserver"
    assert parsed["URL"] == f"http://testserver/events/{event.pk}/"
    assert b"\r\n " in response.content  # the long title was folded


# --- Starting an event, shell entries ----------------------------------------------------


def test_alumnus_starts_an_event_that_goes_to_review(client, org_tree, verified_alumnus):
    client.force_login(verified_alumnus)
    url = reverse("hall:event_start")
    response = client.get(url)
    orgs = {int(value) for value, _label in response.context["form"].fields["org"].choices}
    assert org_tree.college.pk in orgs and org_tree.other_college.pk not in orgs
    response = client.post(
        url,
        {
            "org": org_tree.college.pk,
            "title": "班级聚餐",
            "kind": "offline",
            "starts_at": "2026-12-24T18:00",
            "ends_at": "2026-12-24T21:00",
            "place": "校门口",
        },
    )
    event = Event.objects.get(title="班级聚餐")
    assert response["Location"] == reverse("hall:event", args=[event.pk])
    assert event.status == EventStatus.IN_REVIEW and event.created_by == verified_alumnus
    assert event.ticket_types.get().price == 0
    assert client.get(response["Location"]).status_code == 200  # its author sees it


def test_home_section_and_personal_center_entry(client, events, verified_alumnus):
    cache.clear()  # the visitors' copy of the section outlives a test (locmem cache)
    RegistrationFactory(event=events["hike"], user=verified_alumnus, status="pending_review")
    client.force_login(verified_alumnus)
    html = client.get("/").content.decode()
    section = html[html.index('data-section="events_latest"') :]
    assert "学院十年返校" in section and 'data-my-status="pending_review"' in section
    assert 'data-menu="events"' in html
    with translation.override("en"):
        me = client.get("/me/").content.decode()
        assert translation.gettext("My events") in me
    client.logout()
    assert "学院十年返校" in client.get("/").content.decode()  # visitors: the cached copy


def test_visitors_home_copy_is_rebuilt_when_an_event_is_published(
    client, org_tree, platform_admin, django_capture_on_commit_callbacks
):
    from xiaoyou.events.services.events import event_publish

    cache.clear()
    assert "新春团拜" not in client.get("/").content.decode()
    event = EventFactory(org=org_tree.college, title="新春团拜", status=EventStatus.DRAFT)
    assert "新春团拜" not in client.get("/").content.decode()  # cached (and still a draft)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(actor=platform_admin, event=event)
    assert "新春团拜" in client.get("/").content.decode()
