"""Console payments: list filters and scope, export, detail, refund form (yuan -> fen, errors
translated), reconciliation reports, nav and the dashboard figure."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from tests.payments import fake_provider
from tests.payments.factories import (
    PaymentOrderFactory,
    ReconciliationReportFactory,
    paid_order,
)
from xiaoyou.core.errors import MESSAGES
from xiaoyou.core.models import AuditEntry
from xiaoyou.payments import errors
from xiaoyou.payments.models import LedgerEntry, LedgerKind, NotificationLog, PaymentRefund

pytestmark = pytest.mark.django_db
LIST = "/console/payments/"


def _numbers(response) -> set[str]:
    return {row.obj.out_trade_no for row in response.context["table"].rows}


@pytest.fixture
def orders(org_tree, verified_alumnus):
    """Paid and unpaid orders of the college, its club and the other college."""
    return {
        "college_paid": paid_order(org=org_tree.college, payer=verified_alumnus, amount=10000),
        "club_paid": paid_order(org=org_tree.club, provider="alipay", amount=5000),
        "college_open": PaymentOrderFactory(org=org_tree.college, amount=3000),
        "other_paid": paid_order(org=org_tree.other_college, amount=8000),
    }


def test_college_admin_sees_only_their_subtree(client, orders, college_admin):
    console_login(client, college_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    expected = {orders[key].out_trade_no for key in ("college_paid", "club_paid", "college_open")}
    assert _numbers(response) == expected
    detail = reverse("console:payments_order", args=[orders["other_paid"].pk])
    assert client.get(detail).status_code == 404


def test_platform_admin_sees_everything(client, orders, platform_admin):
    console_login(client, platform_admin)
    assert _numbers(client.get(LIST)) == {order.out_trade_no for order in orders.values()}


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"status": "paid"}, {"college_paid", "club_paid"}),
        ({"status": "created"}, {"college_open"}),
        ({"provider": "alipay"}, {"club_paid"}),
        ({"org": "club"}, {"club_paid"}),
        ({"payer": "张伟"}, {"college_paid"}),
        ({"payer": "college_paid"}, {"college_paid"}),
        ({"since": "2000-01-01", "until": "2000-12-31"}, set()),
        ({"since": "today"}, {"college_paid", "club_paid", "college_open"}),
    ],
)
def test_filters(client, orders, org_tree, college_admin, params, keys):
    from django.utils import timezone

    console_login(client, college_admin)
    params = dict(params)
    if params.get("org") == "club":
        params["org"] = org_tree.club.pk
    if params.get("payer") == "college_paid":
        params["payer"] = orders["college_paid"].out_trade_no
    if params.get("since") == "today":
        params["since"] = timezone.localdate().isoformat()
    assert _numbers(client.get(LIST, params)) == {orders[key].out_trade_no for key in keys}


def test_module_filter(client, org_tree, college_admin):
    by_org = paid_order(org=org_tree.college)
    person = UserFactory()
    by_user = paid_order(org=org_tree.college, payable_object=person)
    console_login(client, college_admin)
    user_type = ContentType.objects.get_for_model(person)
    assert _numbers(client.get(LIST, {"module": user_type.pk})) == {by_user.out_trade_no}
    org_type = ContentType.objects.get_for_model(org_tree.college)
    assert _numbers(client.get(LIST, {"module": org_type.pk})) == {by_org.out_trade_no}


def test_another_orgs_id_in_the_org_filter_is_ignored(client, orders, org_tree, college_admin):
    console_login(client, college_admin)
    shown = _numbers(client.get(LIST, {"org": org_tree.other_college.pk}))
    assert orders["other_paid"].out_trade_no not in shown and len(shown) == 3


def test_count_is_capped(client, org_tree, college_admin, monkeypatch):
    from xiaoyou.payments.views import console_payments

    monkeypatch.setattr(console_payments, "COUNT_CAP", 3)
    for _ in range(5):
        PaymentOrderFactory(org=org_tree.college)
    console_login(client, college_admin)
    response = client.get(LIST, {"per_page": 20})
    table = response.context["table"]
    assert table.total_capped and table.total == 5  # the rows on the page are known
    assert b"data-count-capped" in response.content
    page_two = client.get(LIST, {"per_page": 20, "page": 1})
    assert len(page_two.context["table"].rows) == 5


def test_list_query_count_is_fixed(client, org_tree, college_admin, django_assert_max_num_queries):
    for _ in range(3):
        paid_order(org=org_tree.college)
    console_login(client, college_admin)
    client.get(LIST)
    with django_assert_max_num_queries(20) as first:
        client.get(LIST)
    for _ in range(10):
        paid_order(org=org_tree.club)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(LIST)


def test_export_is_scoped_and_formula_safe(client, orders, org_tree, college_admin):
    paid_order(org=org_tree.college, subject='=HYPERLINK("http://x")', amount=123)
    console_login(client, college_admin)
    response = client.get(LIST, {"export": "xlsx", "status": "paid"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    numbers = {row[1] for row in rows[1:]}
    assert len(numbers) == 3
    assert {orders["college_paid"].out_trade_no, orders["club_paid"].out_trade_no} < numbers
    assert orders["other_paid"].out_trade_no not in numbers
    subjects = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in subjects
    amounts = {row[1]: row[6] for row in rows[1:]}
    assert amounts[orders["college_paid"].out_trade_no] == "100.00"


def test_detail_shows_ledger_refunds_notifications_and_payer(client, orders, college_admin):
    order = orders["college_paid"]
    NotificationLog.objects.create(
        provider="wechat",
        order=order,
        out_trade_no=order.out_trade_no,
        outcome="rejected",
        reason="signature",
        body_sha256="0" * 64,
    )
    console_login(client, college_admin)
    response = client.get(reverse("console:payments_order", args=[order.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-ledger-entry="paid"' in html
    assert 'data-notification="rejected"' in html
    assert "张伟" in html and "100.00" in html
    assert "data-refund-form" in html


def _refund_url(order):
    return reverse("console:payments_order_refund", args=[order.pk])


def test_refund_converts_yuan_to_fen_exactly(client, orders, college_admin, gateway, settings):
    order = orders["college_paid"]
    order.provider = "fake"
    order.save(update_fields=["provider"])
    fake_provider.GATEWAY.orders[order.out_trade_no] = {"state": "paid", "amount": order.amount}
    console_login(client, college_admin)
    response = client.post(_refund_url(order), {"amount": "12.34", "reason": "退一部分"})
    assert response.status_code == 302
    refund = PaymentRefund.objects.get(order=order)
    assert (refund.amount, refund.reason, refund.requested_by) == (1234, "退一部分", college_admin)
    assert LedgerEntry.objects.filter(order=order, kind=LedgerKind.REFUND_REQUESTED).exists()
    entry = AuditEntry.objects.get(action="payments.refund.create")
    assert (entry.actor_id, entry.object_id) == (college_admin.pk, str(refund.pk))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "1.234", "reason": "x"}, "amount"),
        ({"amount": "abc", "reason": "x"}, "amount"),
        ({"amount": "0", "reason": "x"}, "amount"),
        ({"amount": "10", "reason": "   "}, "reason"),
        ({"amount": "10"}, "reason"),
    ],
)
def test_refund_form_errors(client, orders, college_admin, data, field):
    order = orders["college_paid"]
    console_login(client, college_admin)
    response = client.post(_refund_url(order), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not PaymentRefund.objects.exists()


def test_over_refund_error_is_shown_translated(client, orders, college_admin):
    order = orders["college_paid"]
    console_login(client, college_admin)
    with translation.override("zh-hans"):
        expected = str(MESSAGES[errors.REFUND_TOO_LARGE])
    response = client.post(
        _refund_url(order), {"amount": "100.01", "reason": "太多"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [expected]
    assert expected in response.content.decode()
    assert not PaymentRefund.objects.exists()


def test_refund_needs_the_orders_scope(client, orders, regional_admin):
    console_login(client, regional_admin)
    response = client.post(_refund_url(orders["college_paid"]), {"amount": "1", "reason": "x"})
    assert response.status_code == 404


def test_reports_for_main_association_admins_only(client, org_tree, platform_admin, college_admin):
    report = ReconciliationReportFactory()
    console_login(client, college_admin)
    assert client.get(reverse("console:payments_reconciliation")).status_code == 403
    assert client.get(reverse("console:payments_report", args=[report.pk])).status_code == 403
    console_login(client, platform_admin)
    listing = client.get(reverse("console:payments_reconciliation"))
    assert listing.status_code == 200
    detail = client.get(reverse("console:payments_report", args=[report.pk]))
    assert "XYT000000000001" in detail.content.decode() and b"data-unbalanced" in detail.content
    download = client.get(reverse("console:payments_report_download", args=[report.pk]))
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][2:6] == ("XYT000000000001", "XYT000000000001", "100.00", "120.00")


def test_nav_and_dashboard_figure(client, org_tree, college_admin, platform_admin):
    paid_order(org=org_tree.college, amount=12345)
    paid_order(org=org_tree.other_college, amount=99900)
    console_login(client, college_admin)
    response = client.get(reverse("console:dashboard"))
    html = response.content.decode()
    assert reverse("console:payments_orders") in html
    assert reverse("console:payments_reconciliation") not in html
    assert "123.45" in html and "1,122.45" not in html
    console_login(client, platform_admin)
    html = client.get(reverse("console:dashboard")).content.decode()
    assert reverse("console:payments_reconciliation") in html


def test_payment_request_create_edit_and_share(client, org_tree, college_admin, regional_admin):
    from xiaoyou.payments.models import PaymentRequest

    console_login(client, college_admin)
    response = client.post(
        reverse("console:payments_request_create"),
        {"org": org_tree.club.pk, "title": "2026年会费", "amount": "99.9", "is_open": "on"},
    )
    assert response.status_code == 302
    item = PaymentRequest.objects.get()
    assert (item.org, item.amount, item.is_open) == (org_tree.club, 9990, True)
    detail = client.get(reverse("console:payments_request", args=[item.pk])).content.decode()
    share = reverse("hall:pay_request", args=[item.pk])
    assert f"http://testserver{share}" in detail and "<svg" in detail
    edit = client.post(
        reverse("console:payments_request_edit", args=[item.pk]),
        {"title": "2026年会费（调整）", "amount": "120", "description": ""},
    )
    assert edit.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.amount, item.is_open) == ("2026年会费（调整）", 12000, False)
    bad = client.post(
        reverse("console:payments_request_create"),
        {"org": org_tree.other_college.pk, "title": "x", "amount": "1.001"},
    )
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"org", "amount"}
    listing = client.get(reverse("console:payments_requests"))
    assert [row.obj for row in listing.context["table"].rows] == [item]
    console_login(client, regional_admin)
    assert client.get(reverse("console:payments_request", args=[item.pk])).status_code == 404
