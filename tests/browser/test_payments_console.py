"""Browser journey (desktop): staff filter the payments, open a paid order, refund part of it
and download its receipt as a PDF."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.payments import fake_provider
from tests.payments.factories import PaymentOrderFactory, paid_order
from xiaoyou.payments.models import PaymentRefund

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gateway(settings):
    """The payments test double ("fake", tests/payments/fake_provider.py) enabled."""
    settings.PAYMENTS_PROVIDERS = {**settings.PAYMENTS_PROVIDERS, "fake": {}}
    return fake_provider.reset()


def test_staff_refund_part_of_a_payment_and_download_the_receipt(
    desktop_page, sign_in, screenshot, org_tree, college_admin, verified_alumnus, gateway
):
    order = paid_order(
        org=org_tree.college,
        payer=verified_alumnus,
        provider="fake",
        amount=20000,
        subject="2026年校友会会费",
    )
    fake_provider.GATEWAY.orders[order.out_trade_no] = {"state": "paid", "amount": order.amount}
    PaymentOrderFactory(org=org_tree.college, amount=500)  # not paid: filtered out
    page = desktop_page
    sign_in(page, college_admin)
    page.goto("/console/payments/")
    assert page.locator("#payments-table tbody tr").count() == 2
    page.select_option('select[name="status"]', "paid")
    page.locator('#payments-table button[type="submit"]').first.click()
    page.wait_for_url("**status=paid**")
    rows = page.locator("#payments-table tbody tr")
    assert rows.count() == 1
    screenshot(page, "payments-list-filtered-desktop")

    rows.first.locator(f'a:has-text("{order.out_trade_no}")').click()
    page.wait_for_url(f"**/console/payments/orders/{order.pk}/")
    assert page.locator('[data-ledger-entry="paid"]').count() == 1
    page.fill('[data-refund-form] input[name="amount"]', "50.5")
    page.fill('[data-refund-form] input[name="reason"]', "未能出席，退一半")
    page.locator('[data-refund-form] button[type="submit"]').click()
    page.locator("#confirm-dialog .confirm-ok").click()
    page.wait_for_url(f"**/console/payments/orders/{order.pk}/")
    page.locator("[data-refund]").first.wait_for()
    refund = PaymentRefund.objects.get(order=order)
    assert (refund.amount, refund.reason) == (5050, "未能出席，退一半")
    screenshot(page, "payments-order-refunded-desktop", full_page=True)

    with page.expect_download() as download_info:
        page.locator('[data-action="receipt-pdf"]').click()
    content = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace(" ", "")
    assert "贰佰元整" in text and "200.00" in text and order.out_trade_no in text
