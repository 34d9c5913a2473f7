"""Shop pages: the hall's shelf, cart and checkout, My orders and points; the console's lists,
export, ship and points rules."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.shop.factories import ProductFactory, VariantFactory
from xiaoyou.shop.models import Order, OrderStatus, PointsRule, Product
from xiaoyou.shop.services import points

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, college_admin):
    Authenticator.objects.get_or_create(
        user=college_admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    client.force_login(college_admin)
    return client


def test_shelf_search_and_detail_count_views(client, org_tree):
    mug = ProductFactory(org=org_tree.college, name="校徽马克杯", is_recommended=True)
    ProductFactory(org=org_tree.college, name="文化衫")
    ProductFactory(org=org_tree.college, name="未上架", is_on_shelf=False)
    page = client.get(reverse("hall:shop"))
    assert page.status_code == 200
    assert [p.name for p in page.context["page"].object_list] == ["校徽马克杯", "文化衫"]
    found = client.get(reverse("hall:shop"), {"q": "马克"})
    assert [p.name for p in found.context["page"].object_list] == ["校徽马克杯"]
    assert client.get(reverse("hall:shop_product", args=[mug.pk])).status_code == 200
    assert Product.objects.get(pk=mug.pk).view_count == 1
    hidden = Product.objects.get(name="未上架")
    assert client.get(reverse("hall:shop_product", args=[hidden.pk])).status_code == 404


def test_cart_checkout_with_points_then_my_orders(client, org_tree, verified_alumnus):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, points_price=200))
    points.points_credit(user=verified_alumnus, points=500, reason="gift", source="t:1")
    client.force_login(verified_alumnus)
    client.post(reverse("hall:shop_cart_add"), {"variant": variant.pk, "quantity": 2})
    response = client.post(
        reverse("hall:shop_cart"), {"pay_method": "points", "delivery": "pickup"}
    )
    order = Order.objects.get()
    assert response["Location"] == reverse("hall:shop_order", args=[order.pk])
    assert (order.status, order.total_points) == (OrderStatus.PAID, 400)
    mine = client.get(reverse("hall:shop_my_orders"))
    assert list(mine.context["page"].object_list) == [order]
    ledger = client.get(reverse("hall:shop_my_points"))
    assert ledger.context["balance"] == 100


def test_money_checkout_goes_to_the_pay_page(client, org_tree, verified_alumnus, gateway):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, price=3900))
    client.force_login(verified_alumnus)
    client.post(reverse("hall:shop_cart_add"), {"variant": variant.pk})
    response = client.post(reverse("hall:shop_cart"), {"pay_method": "money", "delivery": "pickup"})
    order = Order.objects.get()
    assert response["Location"] == reverse("hall:pay", args=[order.payment.out_trade_no])


def test_another_buyers_order_is_not_found(client, org_tree, verified_alumnus, outsider):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college))
    points.points_credit(user=verified_alumnus, points=500, reason="gift", source="t:1")
    from tests.shop.support import buy

    order = buy(verified_alumnus, variant, pay_method="points")
    client.force_login(outsider)
    assert client.get(reverse("hall:shop_order", args=[order.pk])).status_code == 404


def test_console_orders_export_and_ship(
    staff, org_tree, verified_alumnus, django_assert_max_num_queries
):
    from openpyxl import load_workbook

    from tests.shop.support import buy

    points.points_credit(user=verified_alumnus, points=5000, reason="gift", source="t:1")
    orders = [
        buy(
            verified_alumnus,
            VariantFactory(product=ProductFactory(org=org_tree.college)),
            pay_method="points",
        )
        for _ in range(3)
    ]
    with django_assert_max_num_queries(30):
        listing = staff.get(reverse("console:shop_orders"))
    assert listing.status_code == 200
    export = staff.get(reverse("console:shop_orders"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {order.number for order in orders}
    staff.post(reverse("console:shop_order_ship", args=[orders[0].pk]), {"shipping_number": ""})
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.SHIPPED


def test_console_product_and_points_rule(staff, org_tree):
    response = staff.post(
        reverse("console:shop_product_create"),
        {"org": org_tree.college.pk, "name": "校庆围巾", "price": "68", "is_on_shelf": "on"},
    )
    product = Product.objects.get(name="校庆围巾")
    assert response["Location"] == reverse("console:shop_product", args=[product.pk])
    assert product.price == 6800
    staff.post(
        reverse("console:shop_variant_save", args=[product.pk]), {"label": "红", "stock": "20"}
    )
    assert product.variants.get().stock == 20
    assert staff.get(reverse("console:shop_products")).status_code == 200
    staff.post(
        reverse("console:shop_points_rules"),
        {"action": "event_attended", "points": "30", "is_active": "on"},
    )
    assert PointsRule.objects.get().points == 30
