"""Console events pages: the list (scope incl. sub-organizations, filters, quick actions, a fixed
query count), create/edit with ticket types and the registration-form builder, publish, cancel
with a reason, copy; registrations (filters, approve, reject and ask to leave with a reason,
manual check-in, Excel export)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from tests.organizations.org_support import console_login
from xiaoyou.core.registry import console_nav
from xiaoyou.events.models import Event, EventStatus, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db
LIST = "/console/events/"


def _titles(response) -> set[str]:
    return {row.obj.title for row in response.context["table"].rows}


@pytest.fixture
def events(org_tree):
    soon = timezone.now() + dt.timedelta(days=3)
    college = EventFactory(org=org_tree.college, title="学院年会", status=EventStatus.DRAFT)
    TicketTypeFactory(event=college, price=0)
    club = EventFactory(org=org_tree.club, title="俱乐部徒步", starts_at=soon, kind="online")
    TicketTypeFactory(event=club, price=5000)
    other = EventFactory(org=org_tree.other_college, title="他院聚会")
    TicketTypeFactory(event=other)
    return {"college": college, "club": club, "other": other}


def test_list_shows_the_org_and_its_sub_orgs_only(client, events, college_admin):
    console_login(client, college_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _titles(response) == {"学院年会", "俱乐部徒步"}
    assert client.get(reverse("console:event_edit", args=[events["other"].pk])).status_code == 404


def test_list_filters(client, events, org_tree, college_admin):
    console_login(client, college_admin)
    assert _titles(client.get(LIST, {"paid": "1"})) == {"俱乐部徒步"}
    assert _titles(client.get(LIST, {"paid": "0"})) == {"学院年会"}
    assert _titles(client.get(LIST, {"status": "draft"})) == {"学院年会"}
    assert _titles(client.get(LIST, {"kind": "online"})) == {"俱乐部徒步"}
    assert _titles(client.get(LIST, {"org": org_tree.club.path})) == {"俱乐部徒步"}
    until = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    assert _titles(client.get(LIST, {"until": until})) == {"俱乐部徒步"}
    assert _titles(client.get(LIST, {"q": "年会"})) == {"学院年会"}


def test_list_query_count_is_fixed(client, org_tree, college_admin, django_assert_max_num_queries):
    console_login(client, college_admin)
    for index in range(2):
        TicketTypeFactory(event=EventFactory(org=org_tree.college), price=index * 100)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for index in range(12):
        TicketTypeFactory(event=EventFactory(org=org_tree.club), price=index * 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["table"].rows) == 14


def test_bulk_publish_and_copy(client, events, college_admin):
    console_login(client, college_admin)
    draft = events["college"]
    response = client.post(
        reverse("console:event_bulk"),
        {"action": "publish", "ids": [draft.pk, events["other"].pk], "next": LIST},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    events["other"].refresh_from_db()
    assert events["other"].status == EventStatus.PUBLISHED  # the factory's; untouched
    client.post(reverse("console:event_bulk"), {"action": "copy", "ids": [events["club"].pk]})
    copies = Event.objects.filter(title="俱乐部徒步").order_by("pk")
    assert [item.status for item in copies] == [EventStatus.PUBLISHED, EventStatus.DRAFT]
    assert copies[1].ticket_types.get().price == 5000


def _form_data(org, **changes):
    data = {
        "org": str(org.pk),
        "title": "2026 校友返校日",
        "summary": "欢迎回家",
        "kind": "offline",
        "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T17:00",
        "place": "大礼堂",
        "capacity": "200",
        "visibility": "public",
        "tags": "返校, 校庆，聚会",
        "max_guests": "2",
        "waitlist_enabled": "on",
        "offer_minutes": "60",
        "requires_approval": "on",
        "discussion": "moderated",
        "tickets-TOTAL_FORMS": "2",
        "tickets-INITIAL_FORMS": "0",
        "tickets-0-name": "校友票",
        "tickets-0-price": "0",
        "tickets-0-is_active": "on",
        "tickets-1-name": "晚宴票",
        "tickets-1-price": "88.50",
        "tickets-1-capacity": "50",
        "tickets-1-is_active": "on",
        "fields-TOTAL_FORMS": "2",
        "fields-INITIAL_FORMS": "0",
        "fields-0-label": "入学年份",
        "fields-0-type": "number",
        "fields-0-required": "on",
        "fields-0-ORDER": "2",
        "fields-1-label": "餐食",
        "fields-1-type": "choice",
        "fields-1-choices": "普通\n素食",
        "fields-1-key": "meal",
        "fields-1-ORDER": "1",
    }
    data.update(changes)
    return data


def test_create_an_event_with_tickets_and_form(client, org_tree, college_admin):
    console_login(client, college_admin)
    assert client.get(reverse("console:event_create")).status_code == 200
    response = client.post(reverse("console:event_create"), _form_data(org_tree.college))
    event = Event.objects.get(title="2026 校友返校日")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:event_edit", args=[event.pk])
    assert event.status == EventStatus.DRAFT
    assert (event.org, event.capacity, event.max_guests) == (org_tree.college, 200, 2)
    assert event.requires_approval and event.waitlist_enabled
    assert event.discussion == "moderated"
    assert event.tags == ["返校", "校庆", "聚会"]
    assert timezone.localtime(event.starts_at).hour == 9
    assert [(t.name, t.price, t.capacity) for t in event.ticket_types.all()] == [
        ("校友票", 0, None),
        ("晚宴票", 8850, 50),
    ]
    assert event.form_fields == [
        {
            "key": "meal",
            "label": "餐食",
            "type": "choice",
            "required": False,
            "choices": ["普通", "素食"],
        },
        {"key": "field_1", "label": "入学年份", "type": "number", "required": True, "choices": []},
    ]


def test_form_errors_are_inline(client, org_tree, college_admin):
    console_login(client, college_admin)
    data = _form_data(
        org_tree.college,
        ends_at="2026-12-20T08:00",
        **{"tickets-1-price": "abc", "fields-1-choices": ""},
    )
    with translation.override("en"):
        response = client.post(reverse("console:event_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"]
    assert response.context["ticket_formset"].forms[1].errors["price"]
    assert response.context["field_formset"].forms[1].errors["choices"]
    assert not Event.objects.filter(title="2026 校友返校日").exists()


def test_edit_removes_a_ticket_type_from_sale(client, org_tree, college_admin):
    console_login(client, college_admin)
    client.post(reverse("console:event_create"), _form_data(org_tree.college))
    event = Event.objects.get(title="2026 校友返校日")
    first, second = event.ticket_types.all()
    data = _form_data(
        org_tree.college,
        title="返校日（更新）",
        **{
            "tickets-INITIAL_FORMS": "2",
            "tickets-0-id": str(first.pk),
            "tickets-1-id": str(second.pk),
            "tickets-1-DELETE": "on",
        },
    )
    response = client.post(reverse("console:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    second.refresh_from_db()
    assert event.title == "返校日（更新）" and event.org == org_tree.college
    assert not second.is_active
    assert event.ticket_types.count() == 2


def test_publish_cancel_and_copy(client, events, college_admin):
    console_login(client, college_admin)
    event = events["college"]
    client.post(reverse("console:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    url = reverse("console:event_cancel", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    response = client.post(url, {"reason": "天气原因"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.cancel_reason) == (EventStatus.CANCELLED, "天气原因")
    response = client.post(reverse("console:event_copy", args=[event.pk]))
    copy = Event.objects.exclude(pk=event.pk).get(title=event.title)
    assert response["Location"] == reverse("console:event_edit", args=[copy.pk])
    assert copy.status == EventStatus.DRAFT


# --- Registrations -------------------------------------------------------------------------


@pytest.fixture
def registrations(events):
    event = events["club"]
    ticket = event.ticket_types.get()
    vip = TicketTypeFactory(event=event, name="贵宾票", price=0)
    return {
        "pending": RegistrationFactory(
            event=event, ticket_type=ticket, name="王芳", status=RegistrationStatus.PENDING_REVIEW
        ),
        "confirmed": RegistrationFactory(
            event=event, ticket_type=vip, name="李雷", phone="13800000001"
        ),
        "waitlisted": RegistrationFactory(
            event=event, ticket_type=ticket, name="韩梅", status=RegistrationStatus.WAITLISTED
        ),
    }


def _names(response) -> set[str]:
    return {row.obj.name for row in response.context["table"].rows}


def test_registration_list_filters_and_export(client, events, registrations, college_admin):
    console_login(client, college_admin)
    url = reverse("console:event_registrations", args=[events["club"].pk])
    assert _names(client.get(url)) == {"王芳", "李雷", "韩梅"}
    assert _names(client.get(url, {"status": "waitlisted"})) == {"韩梅"}
    vip = registrations["confirmed"].ticket_type
    assert _names(client.get(url, {"ticket": str(vip.pk)})) == {"李雷"}
    assert _names(client.get(url, {"q": "13800000001"})) == {"李雷"}
    response = client.get(url, {"export": "xlsx", "status": "confirmed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "李雷"
    other = reverse("console:event_registrations", args=[events["other"].pk])
    assert client.get(other).status_code == 404


def _decide(client, registration, **data):
    url = reverse(
        "console:event_registration_decide", args=[registration.event_id, registration.pk]
    )
    return client.post(url, data)


def test_approve_reject_and_ask_to_leave(client, registrations, college_admin):
    console_login(client, college_admin)
    pending = registrations["pending"]
    detail = reverse("console:event_registration", args=[pending.event_id, pending.pk])
    assert client.get(detail).status_code == 200
    _decide(client, pending, action="reject")  # no reason: refused
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING_REVIEW
    _decide(client, pending, action="approve")
    pending.refresh_from_db()
    assert pending.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.AWAITING_PAYMENT)
    confirmed = registrations["confirmed"]
    _decide(client, confirmed, action="leave", reason="名额调整")
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.decision_reason) == (
        RegistrationStatus.ASKED_TO_LEAVE,
        "名额调整",
    )


def test_manual_check_in(client, registrations, college_admin):
    console_login(client, college_admin)
    confirmed = registrations["confirmed"]
    _decide(client, confirmed, action="checkin")
    confirmed.refresh_from_db()
    assert confirmed.checked_in_at is not None
    url = reverse("console:event_registrations_bulk", args=[confirmed.event_id])
    client.post(url, {"action": "checkin", "ids": [confirmed.pk]})  # twice: refused, no change
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_console_nav_has_the_events_section():
    keys = {entry.key for entry in console_nav.all()}
    assert {"events", "event_create"} <= keys
