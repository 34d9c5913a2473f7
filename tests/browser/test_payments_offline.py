"""Browser journey: an alumnus opens a payment request (会费) link on a phone, chooses bank
transfer and reads the instructions; staff record the transfer with its bank slip in the
console; an admin approves it in the to-do list; the alumnus' page shows the payment received."""

from __future__ import annotations

import os

import pytest

from xiaoyou.core.models import ReviewItem
from xiaoyou.payments.models import LedgerKind, OrderStatus, PaymentOrder
from xiaoyou.payments.services.requests import payment_request_create

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_membership_fee_paid_by_bank_transfer(
    mobile_page,
    desktop_page,
    sign_in,
    screenshot,
    org_tree,
    platform_admin,
    college_admin,
    verified_alumnus,
    settings,
    tmp_path,
):
    settings.PAYMENTS_PROVIDERS = {
        "offline": {
            "payee": "示范大学校友总会",
            "bank": "中国工商银行北京海淀支行",
            "account": "0200 0045 0900 1234 567",
        }
    }
    fee = payment_request_create(
        actor=platform_admin,
        org=org_tree.college,
        title="2026年度会费",
        amount=20000,
        description="计算机学院校友会年度会费",
    )
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/pay/requests/{fee.pk}/")
    assert "2026年度会费" in phone.locator("[data-payment-request]").inner_text()
    screenshot(phone, "payments-request-mobile")
    phone.locator("[data-pay-now]").click()
    phone.wait_for_url("**/pay/XY*/")
    order = PaymentOrder.objects.get(payer=verified_alumnus)
    # On a phone without WeChat or Alipay enabled, the offline methods are offered.
    phone.locator('[data-pay-option="offline-transfer"]').click()
    instructions = phone.locator("[data-pay-instructions]")
    instructions.wait_for()
    text = instructions.inner_text()
    assert order.out_trade_no in text and "0200 0045 0900 1234 567" in text
    screenshot(phone, "payments-transfer-instructions-mobile", full_page=True)

    # Staff record the transfer with the bank slip.
    slip = tmp_path / "slip.png"
    slip.write_bytes(PNG)
    desk = desktop_page
    sign_in(desk, college_admin)
    desk.goto(f"/console/payments/offline/{order.pk}/record")
    desk.select_option("select[name=method]", "transfer")
    desk.fill("input[name=amount]", "200.00")
    desk.fill("input[name=received_on]", "2026-11-20")
    desk.fill("input[name=reference]", "ICBC20261120-0001")
    desk.fill("input[name=payer_name]", "张伟")
    desk.set_input_files("input[name=evidence]", str(slip))
    screenshot(desk, "payments-offline-record-desktop", full_page=True)
    desk.locator("[data-offline-form] button[type=submit]").click()
    desk.wait_for_url(f"**/console/payments/orders/{order.pk}/")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING

    # Another admin approves it from the to-do list.
    item = ReviewItem.objects.get(kind="payments.offline")
    desk.context.clear_cookies()
    sign_in(desk, platform_admin)
    desk.goto(f"/console/todos/{item.pk}/")
    assert "ICBC20261120-0001" in desk.content()
    desk.locator(".review-decide button.btn-primary").click()
    desk.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.ledger.filter(kind=LedgerKind.PAID).count() == 1

    # The alumnus' page notices (htmx polling) and shows the result.
    phone.wait_for_url("**/result", timeout=15_000)
    assert phone.locator('[data-pay-result="paid"]').count() == 1
    screenshot(phone, "payments-paid-mobile")
