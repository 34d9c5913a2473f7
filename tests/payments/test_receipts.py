"""Receipts: the amount in capitals, numbers per year assigned once, the PDF's text, who may
open a receipt, the verification page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import UserFactory
from tests.organizations.org_support import console_login
from tests.payments.factories import PaymentOrderFactory, paid_order
from xiaoyou.payments.money import amount_in_capitals, format_yuan, yuan_to_fen
from xiaoyou.payments.services import receipts

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (12345, "壹佰贰拾叁元肆角伍分"),
        (10000, "壹佰元整"),
        (105, "壹元零伍分"),
        (50, "伍角整"),
        (5, "伍分"),
        (0, "零元整"),
        (1010, "壹拾元壹角整"),
        (100_000, "壹仟元整"),
        (100_500, "壹仟零伍元整"),
        (10_001_000, "壹拾万零壹拾元整"),
        (1_000_005, "壹万元零伍分"),
        (1_500_000, "壹万伍仟元整"),
        (10_000_000_500, "壹亿零伍元整"),
        (123_456_789_01, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
    ],
)
def test_amount_in_capitals(fen, text):
    assert amount_in_capitals(fen) == text


def test_amount_in_capitals_refuses_negative():
    with pytest.raises(ValueError):
        amount_in_capitals(-1)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("12.3", 1230), ("0.1", 10), ("0.01", 1), ("1,234.56", 123456), ("¥20", 2000), ("7", 700)],
)
def test_yuan_to_fen_is_exact(typed, fen):
    assert yuan_to_fen(typed) == fen
    assert yuan_to_fen(Decimal(typed.replace(",", "").replace("¥", ""))) == fen


@pytest.mark.parametrize("typed", ["1.234", "-1", "abc", "", "NaN", "Infinity"])
def test_yuan_to_fen_refuses(typed):
    with pytest.raises(ValueError):
        yuan_to_fen(typed)


def test_format_yuan():
    assert format_yuan(123456789) == "1,234,567.89"
    assert format_yuan(5) == "0.05"
    assert format_yuan(-250) == "-2.50"


@pytest.mark.django_db
def test_numbers_run_per_year_and_are_assigned_once(settings, org_tree):
    settings.PAYMENTS_RECEIPT_PREFIX = "XY"
    # 2025-12-31 23:30 in Shanghai is still 2025 there (15:30 UTC).
    late_2025 = dt.datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI)
    first = PaymentOrderFactory(paid=True, org=org_tree.college, paid_at=late_2025)
    second = PaymentOrderFactory(paid=True, org=org_tree.college, paid_at=late_2025)
    new_year = PaymentOrderFactory(
        paid=True, org=org_tree.college, paid_at=dt.datetime(2026, 1, 1, 0, 5, tzinfo=SHANGHAI)
    )
    assert receipts.receipt_number_assign(order=first) == "XY2025-000001"
    assert receipts.receipt_number_assign(order=second) == "XY2025-000002"
    assert receipts.receipt_number_assign(order=new_year) == "XY2026-000001"
    # Assigned once: a second call (even on a stale copy of the row) keeps the number.
    stale = type(first).objects.get(pk=first.pk)
    stale.receipt_number = ""
    assert receipts.receipt_number_assign(order=stale) == "XY2025-000001"
    first.refresh_from_db()
    assert first.receipt_number == "XY2025-000001"


@pytest.mark.django_db
def test_sequence_continues_past_six_digits(settings, org_tree):
    settings.PAYMENTS_RECEIPT_PREFIX = "XY"
    paid_at = dt.datetime(2026, 3, 1, 12, tzinfo=SHANGHAI)
    PaymentOrderFactory(
        paid=True, org=org_tree.college, paid_at=paid_at, receipt_number="XY2026-999999"
    )
    PaymentOrderFactory(
        paid=True, org=org_tree.college, paid_at=paid_at, receipt_number="XY2026-1000000"
    )
    order = PaymentOrderFactory(paid=True, org=org_tree.college, paid_at=paid_at)
    assert receipts.receipt_number_assign(order=order) == "XY2026-1000001"


@pytest.mark.django_db
def test_unpaid_order_has_no_receipt(org_tree):
    with pytest.raises(ValueError):
        receipts.receipt_number_assign(order=PaymentOrderFactory(org=org_tree.college))


@pytest.mark.django_db
def test_sweep_numbers_paid_orders_without_one(org_tree):
    paid = paid_order(org=org_tree.college)
    unpaid = PaymentOrderFactory(org=org_tree.college)
    assert receipts.receipts_assign_missing() == 1
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert paid.receipt_number and not unpaid.receipt_number


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_pdf_carries_the_figures_and_the_chinese_amount(settings, org_tree, verified_alumnus):
    settings.PAYMENTS_RECEIPT_PREFIX = "XY"
    order = paid_order(
        org=org_tree.college,
        payer=verified_alumnus,
        amount=12345,
        subject="2026年校友会会费",
        provider_trade_no="4200001234567890",
        paid_at=dt.datetime(2026, 5, 4, 9, 30, 15, tzinfo=SHANGHAI),
    )
    receipt = receipts.receipt_for(order, site_url="http://testserver")
    content = receipts.receipt_pdf(receipt)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    compact = text.replace(" ", "").replace("\n", "")
    assert receipt.number == "XY2026-000001"
    for expected in (
        "XY2026-000001",
        "123.45",
        "壹佰贰拾叁元肆角伍分",
        "2026年校友会会费",
        "4200001234567890",
        "2026-05-0409:30:15",  # Asia/Shanghai, not UTC (01:30)
        "张伟",
        "示范大学",
        "微信支付" if "微信支付" in compact else "WeChat",
    ):
        assert expected.replace(" ", "") in compact, expected
    assert receipt.verification_url.startswith("http://testserver/payments/receipts/verify/")


@pytest.mark.django_db
def test_payer_opens_their_receipt_and_pdf_others_do_not(client, org_tree, verified_alumnus):
    order = paid_order(org=org_tree.college, payer=verified_alumnus, amount=5000)
    page_url = reverse("hall:payment_receipt", args=[order.out_trade_no])
    pdf_url = reverse("hall:payment_receipt_pdf", args=[order.out_trade_no])
    assert client.get(page_url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(page_url).status_code == 404
    assert client.get(pdf_url).status_code == 404
    client.force_login(verified_alumnus)
    page = client.get(page_url)
    assert page.status_code == 200
    order.refresh_from_db()
    assert order.receipt_number and order.receipt_number in page.content.decode()
    assert "伍拾元整" in page.content.decode()
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert "伍拾元整" in _pdf_text(pdf.content).replace(" ", "")


@pytest.mark.django_db
def test_unpaid_order_has_no_receipt_page(client, org_tree, verified_alumnus):
    order = PaymentOrderFactory(org=org_tree.college, payer=verified_alumnus)
    client.force_login(verified_alumnus)
    assert client.get(reverse("hall:payment_receipt", args=[order.out_trade_no])).status_code == 404


@pytest.mark.django_db
def test_console_receipt_for_staff_in_scope(client, org_tree, college_admin, regional_admin):
    order = paid_order(org=org_tree.club, amount=20000)
    url = reverse("console:payments_order_receipt_pdf", args=[order.pk])
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    console_login(client, college_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "贰佰元整" in _pdf_text(response.content).replace(" ", "")


@pytest.mark.django_db
def test_verification_page_needs_the_signed_link(client, org_tree, verified_alumnus):
    order = paid_order(org=org_tree.college, payer=verified_alumnus, amount=5000)
    number = receipts.receipt_number_assign(order=order)
    good = client.get(receipts.verification_path(number))
    assert good.status_code == 200
    html = good.content.decode()
    assert number in html and "50.00" in html
    assert "张伟" not in html and "张*" in html  # the payer's name shortened
    forged = reverse("hall:payment_receipt_verify", kwargs={"number": number, "token": "x" * 27})
    assert client.get(forged).status_code == 404
    assert timezone.localtime(order.paid_at).year == int(number[2:6])
