"""Browser journey (issue 13): on a phone an alumnus buys a souvenir through the Alipay sandbox,
exchanges another for points with delivery to an address; staff ship it in the console with a
shipping number; the buyer follows the order's history and confirms receipt; an unpaid order
expires (the expiry task run with a shifted clock) and its stock returns."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.shop.factories import ProductFactory, VariantFactory
from xiaoyou.payments.sandbox.alipay import AlipaySandbox
from xiaoyou.shop.models import Order, OrderStatus, PointsAccount, Variant
from xiaoyou.shop.services import points
from xiaoyou.shop.services.orders import orders_expire

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(settings):
    with AlipaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "alipay": emulator.provider_config(),
        }
        yield emulator


def _checkout(phone, product, *, pay: str, delivery: str = "pickup") -> None:
    phone.goto("/shop/")
    phone.locator(f'[data-product="{product.pk}"]').click()
    phone.locator('[data-action="add-to-cart"]').click()
    phone.wait_for_url(re.compile(r"/shop/cart/$"))
    phone.locator(f'[data-pay="{pay}"]').check()
    phone.locator(f'[data-delivery="{delivery}"]').check()
    if delivery == "address":
        phone.fill('input[name="recipient"]', "林晓")
        phone.fill('input[name="phone"]', "13800138000")
        phone.fill('input[name="address"]', "上海市徐汇区华山路1954号")
    phone.locator('[data-action="checkout"]').click()


def test_buy_exchange_ship_history_and_expiry(
    desktop_page,
    mobile_page,
    sign_in,
    screenshot,
    sandbox,
    org_tree,
    college_admin,
    verified_alumnus,
):
    mug = ProductFactory(org=org_tree.college, name="校徽马克杯", price=3900, points_price=None)
    mug_variant = VariantFactory(product=mug, label="白色", stock=2)
    scarf = ProductFactory(org=org_tree.college, name="校庆围巾", price=None, points_price=300)
    VariantFactory(product=scarf, label="红色", stock=1)
    points.points_credit(user=verified_alumnus, points=500, reason="活动签到", source="test:1")

    # 1. A souvenir bought online on a phone, paid in the Alipay sandbox.
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    _checkout(phone, mug, pay="money")
    phone.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    phone.locator("[data-pay-option='alipay-wap']").click()
    phone.wait_for_url(re.compile(re.escape(sandbox.url) + r"/gateway\.do\?"))
    assert phone.locator("#sandbox-pay").inner_text().startswith("Pay ¥39.00")
    phone.locator("#sandbox-pay").click()
    phone.wait_for_url(re.compile(r"/pay/XY\w+/result"))
    bought = Order.objects.get(pay_method="money")
    assert bought.status == OrderStatus.PAID
    phone.locator('[data-action="continue"]').click()
    phone.wait_for_url(re.compile(rf"/shop/orders/{bought.pk}/$"))
    phone.locator('[data-order-status="paid"]').wait_for()
    screenshot(phone, "shop-paid-mobile")

    # 2. Another exchanged for points, delivered to an address.
    _checkout(phone, scarf, pay="points", delivery="address")
    phone.wait_for_url(re.compile(r"/shop/orders/\d+/$"))
    exchanged = Order.objects.get(pay_method="points")
    assert (exchanged.status, exchanged.total_points) == (OrderStatus.PAID, 300)
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 200

    # 3. Staff ship it with a shipping number.
    console = desktop_page
    sign_in(console, college_admin)
    console.goto("/console/shop/orders/")
    console.locator(f'a:has-text("{exchanged.number}")').click()
    console.fill('input[name="shipping_number"]', "SF1234567890")
    console.locator('[data-action="ship"]').click()
    console.locator('[data-order-status="shipped"]').wait_for()
    screenshot(console, "shop-order-console")

    # 4. The buyer sees the orders and the history, and confirms receipt.
    phone.goto("/shop/orders/")
    assert phone.locator(f'[data-order="{bought.number}"]').is_visible()
    phone.locator(f'[data-order="{exchanged.number}"] a').click()
    assert phone.locator("[data-shipping-number]").inner_text() == "SF1234567890"
    history = phone.locator("[data-history-status]").evaluate_all(
        "items => items.map(item => item.dataset.historyStatus)"
    )
    assert history == ["pending_payment", "paid", "shipped"]
    phone.locator('[data-action="receive"]').click()
    phone.locator('[data-order-status="received"]').wait_for()
    screenshot(phone, "shop-history-mobile")
    phone.goto("/shop/points/")
    assert phone.locator("[data-balance]").inner_text() == "200"

    # 5. An unpaid order holds the last mug until it expires, then the stock returns.
    _checkout(phone, mug, pay="money")
    phone.wait_for_url(re.compile(r"/pay/XY\w+/$"))
    unpaid = Order.objects.filter(pay_method="money").latest("pk")
    assert Variant.objects.get(pk=mug_variant.pk).stock == 0
    assert orders_expire(now=timezone.now() + dt.timedelta(hours=3)) == 1
    assert Variant.objects.get(pk=mug_variant.pk).stock == 1
    phone.goto(f"/shop/orders/{unpaid.pk}/")
    phone.locator('[data-order-status="cancelled"]').wait_for()
