"""Browser journey: on a PC an alumnus pays a payment request with Alipay page pay through the
Alipay sandbox's cashier, and comes back to the result page that shows the payment as paid."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from xiaoyou.payments.models import LedgerKind, NotificationLog, OrderStatus, PaymentOrder
from xiaoyou.payments.sandbox.alipay import AlipaySandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(settings):
    with AlipaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "alipay": emulator.provider_config(),
        }
        yield emulator


def test_alumnus_pays_request_with_alipay_page_pay(
    desktop_page, sign_in, screenshot, sandbox, org_tree, platform_admin, verified_alumnus
):
    from xiaoyou.payments.services.requests import payment_request_create

    fee = payment_request_create(
        actor=platform_admin, org=org_tree.college, title="2026年会费", amount=8800
    )
    page = desktop_page
    sign_in(page, verified_alumnus)
    page.goto(f"/pay/requests/{fee.pk}/")
    page.locator("[data-pay-now]").click()
    page.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    order = PaymentOrder.objects.get(payer=verified_alumnus)
    page.locator("[data-pay-option='alipay-page']").click()

    # The sandbox cashier, clearly labelled, with the amount.
    page.wait_for_url(re.compile(re.escape(sandbox.url) + r"/gateway\.do\?"))
    assert "沙箱" in page.content() and "SANDBOX" in page.content()
    assert page.locator("#sandbox-pay").inner_text().startswith("Pay ¥88.00")
    screenshot(page, "payments-alipay-cashier")
    page.locator("#sandbox-pay").click()

    # Back on our result page, after the notification was verified and applied.
    page.wait_for_url(re.compile(rf"/pay/{order.out_trade_no}/result\?"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.provider == "alipay"
    assert order.ledger.filter(kind=LedgerKind.PAID).count() == 1
    assert NotificationLog.objects.filter(order=order, outcome="applied").count() == 1
    assert page.locator("[data-pay-result]").get_attribute("data-pay-result") == "paid"
    with translation.override("zh-hans"):
        received = translation.gettext("Payment received")
    body = page.locator("body").inner_text()
    assert received in body and order.out_trade_no in body
    screenshot(page, "payments-alipay-result")
