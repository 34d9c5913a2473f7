"""Event statistics (活动统计): exact figures on a small fixture (per local day, by ticket type, by
status, check-in rate, revenue net of refunds, waitlist), a fixed number of queries, the console
page with its charts' data and the Excel export, and who may see them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.events.factories import EventFactory, RegistrationFactory, TicketTypeFactory
from tests.organizations.org_support import console_login
from tests.payments.factories import PaymentOrderFactory
from xiaoyou.events.models import Registration, RegistrationStatus
from xiaoyou.events.selectors_stats import event_statistics
from xiaoyou.payments.models import OrderStatus

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def local(day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, hour))


def _registration(event, ticket, status, created, *, checked_in=False, paid=0, refunded=0):
    registration = RegistrationFactory(
        event=event,
        ticket_type=ticket,
        status=status,
        amount=paid,
        checked_in_at=timezone.now() if checked_in else None,
    )
    Registration.objects.filter(pk=registration.pk).update(created_at=created)
    if paid:
        order = PaymentOrderFactory(
            paid=True,
            org=event.org,
            payable_object=registration,
            amount=paid,
            refunded_amount=refunded,
            status=OrderStatus.PARTIALLY_REFUNDED if refunded else OrderStatus.PAID,
        )
        Registration.objects.filter(pk=registration.pk).update(payment=order)
    return registration


@pytest.fixture
def event(org_tree):
    """Two ticket types (and a third nobody took) over three local days (one without sign-ups):

    Oct 1: alumni x3 (confirmed, checked in, paid 50.00), (confirmed, checked in, paid 50.00,
           20.00 refunded), (confirmed, not checked in, paid 50.00)
    Oct 1 23:30 local (15:30 UTC): family, confirmed, checked in, free
    Oct 3: family waitlisted, family waitlisted, alumni cancelled (paid 50.00, refunded in full),
           alumni pending review
    """
    event = EventFactory(org=org_tree.college, title="校庆晚宴")
    alumni = TicketTypeFactory(event=event, name="校友票", price=5000, position=1)
    family = TicketTypeFactory(event=event, name="家属票", price=0, position=2)
    TicketTypeFactory(event=event, name="嘉宾票", price=0, position=3)
    _registration(event, alumni, S.CONFIRMED, local(1, 9), checked_in=True, paid=5000)
    _registration(
        event, alumni, S.CONFIRMED, local(1, 10), checked_in=True, paid=5000, refunded=2000
    )
    _registration(event, alumni, S.CONFIRMED, local(1, 11), paid=5000)
    _registration(
        event, family, S.CONFIRMED, local(1, 23) + dt.timedelta(minutes=30), checked_in=True
    )
    _registration(event, family, S.WAITLISTED, local(3, 8))
    _registration(event, family, S.WAITLISTED, local(3, 9))
    _registration(event, alumni, S.CANCELLED, local(3, 10), paid=5000, refunded=5000)
    _registration(event, alumni, S.PENDING_REVIEW, local(3, 11))
    # Someone else's event and an unpaid order are not counted.
    other = EventFactory(org=org_tree.college)
    _registration(other, TicketTypeFactory(event=other), S.CONFIRMED, local(2, 9), paid=9900)
    PaymentOrderFactory(org=event.org, amount=777)
    return event


def test_exact_figures(event):
    stats = event_statistics(event)
    assert (stats.total, stats.confirmed, stats.checked_in, stats.waitlist) == (8, 4, 3, 2)
    assert stats.check_in_rate == 75.0
    assert (stats.revenue_gross, stats.refunded, stats.revenue, stats.paid_orders) == (
        20000,
        7000,
        13000,
        4,
    )
    assert stats.by_day == [
        (dt.date(2026, 10, 1), 4),  # 23:30 in Shanghai is still Oct 1 (15:30 UTC)
        (dt.date(2026, 10, 2), 0),
        (dt.date(2026, 10, 3), 4),
    ]
    assert [(t.name, t.registrations, t.confirmed, t.checked_in) for t in stats.by_ticket] == [
        ("校友票", 5, 3, 2),
        ("家属票", 3, 1, 1),
        ("嘉宾票", 0, 0, 0),
    ]
    assert [(value, count) for value, _label, count in stats.by_status] == [
        (S.PENDING_REVIEW, 1),
        (S.CONFIRMED, 4),
        (S.WAITLISTED, 2),
        (S.CANCELLED, 1),
    ]


def test_empty_event(org_tree):
    stats = event_statistics(EventFactory(org=org_tree.college))
    assert (stats.total, stats.check_in_rate, stats.revenue, stats.by_day, stats.by_status) == (
        0,
        None,
        0,
        [],
        [],
    )


def test_constant_number_of_queries(event, org_tree, django_assert_num_queries):
    with django_assert_num_queries(4):
        event_statistics(event)
    tickets = [TicketTypeFactory(event=event, name=f"票{i}") for i in range(3)]
    for index in range(12):
        _registration(
            event, tickets[index % 3], S.CONFIRMED, local(5 + index, 9), checked_in=True, paid=100
        )
    with django_assert_num_queries(4):
        stats = event_statistics(event)
    assert stats.total == 20 and stats.paid_orders == 16


def test_statistics_page(client, event, college_admin, django_assert_max_num_queries):
    console_login(client, college_admin)
    url = reverse("console:event_statistics", args=[event.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts.min.js" in html and "events/stats.js" in html
    assert 'id="event-stats-data"' in html
    charts = response.context["charts"]
    assert charts["days"]["labels"] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert charts["days"]["values"] == [4, 0, 4]
    assert charts["tickets"]["labels"] == ["校友票", "家属票", "嘉宾票"]
    assert [s["values"] for s in charts["tickets"]["series"]] == [[5, 3, 0], [3, 1, 0], [2, 1, 0]]
    assert charts["statuses"]["values"] == [1, 4, 2, 1]
    assert "75.0%" in html and "¥130.00" in html
    assert 'data-event-tab="statistics"' in html


def test_statistics_export(client, event, college_admin):
    console_login(client, college_admin)
    response = client.get(reverse("console:event_statistics_export", args=[event.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        gettext = translation.gettext
        assert rows[0] == (gettext("Figure"), gettext("Item"), gettext("Value"))
        figures = {(row[0], row[1]): row[2] for row in rows[1:]}
        assert figures[(gettext("Totals"), gettext("Sign-ups"))] == 8
        assert figures[(gettext("Totals"), gettext("Check-in rate"))] == "75.0%"
        assert figures[(gettext("Totals"), gettext("Revenue (yuan)"))] == "130.00"
        assert figures[(gettext("Totals"), gettext("Refunded (yuan)"))] == "70.00"
        assert figures[(gettext("Totals"), gettext("On the waitlist"))] == 2
        assert figures[(gettext("By ticket type"), f"校友票 · {gettext('Checked in')}")] == 2
    days = [row[1] for row in rows if isinstance(row[1], dt.datetime | dt.date)]
    assert len(days) == 3


@pytest.mark.parametrize("persona", ["regional_admin", "verified_alumnus", "outsider"])
def test_others_may_not_see_the_statistics(client, event, request, persona):
    console_login(client, request.getfixturevalue(persona))
    for name in ("console:event_statistics", "console:event_statistics_export"):
        assert client.get(reverse(name, args=[event.pk])).status_code in (403, 404)


def test_platform_admin_sees_them(client, event, platform_admin):
    console_login(client, platform_admin)
    response = client.get(reverse("console:event_statistics", args=[event.pk]))
    assert response.status_code == 200
    assert response.context["stats"].total == 8
