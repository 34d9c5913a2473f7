"""Browser journey: on a phone an alumnus pays a payment request with WeChat Pay H5 through the
WeChat Pay sandbox's pay page, and comes back to the result page that shows the payment paid."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from xiaoyou.payments.models import LedgerKind, NotificationLog, OrderStatus, PaymentOrder
from xiaoyou.payments.sandbox.wechatpay import WeChatPaySandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sandbox(settings):
    with WeChatPaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "wechat": emulator.provider_config(),
        }
        yield emulator


def test_alumnus_pays_request_with_wechat_h5_on_a_phone(
    mobile_page, sign_in, screenshot, sandbox, org_tree, platform_admin, verified_alumnus
):
    from xiaoyou.payments.services.requests import payment_request_create

    fee = payment_request_create(
        actor=platform_admin, org=org_tree.college, title="2026年会费", amount=6600
    )
    page = mobile_page
    sign_in(page, verified_alumnus)
    page.goto(f"/pay/requests/{fee.pk}/")
    page.locator("[data-pay-now]").click()
    page.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    order = PaymentOrder.objects.get(payer=verified_alumnus)
    page.locator("[data-pay-option='wechat-h5']").click()

    # The sandbox's pay page (behind h5_url), clearly labelled, with the amount.
    page.wait_for_url(re.compile(re.escape(sandbox.url) + r"/sandbox/pay/wx\w+\?"))
    assert "沙箱 SANDBOX" in page.locator("[data-sandbox]").inner_text()
    assert "Pay ¥66.00" in page.locator("#sandbox-pay").inner_text()
    created = sandbox.requests[0].json()
    assert created["scene_info"]["h5_info"] == {"type": "Wap"}
    screenshot(page, "payments-wechat-h5-sandbox")
    page.locator("#sandbox-pay").click()

    # Back on our result page (H5 redirect_url), after the notification was verified and applied.
    page.wait_for_url(re.compile(rf"/pay/{order.out_trade_no}/result"))
    order.refresh_from_db()
    assert (order.status, order.provider, order.channel) == (OrderStatus.PAID, "wechat", "h5")
    assert order.ledger.filter(kind=LedgerKind.PAID).count() == 1
    assert NotificationLog.objects.filter(order=order, outcome="applied").count() == 1
    with translation.override("zh-hans"):
        received = translation.gettext("Payment received")
    assert page.locator("[data-pay-result]").get_attribute("data-pay-result") == "paid"
    body = page.locator("body").inner_text()
    assert received in body and "¥66.00" in body
    screenshot(page, "payments-wechat-h5-result")
