"""API of the shop: the shelf (public), my orders, my points balance and ledger (my own only)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import ApiTokenFactory
from tests.shop.factories import ProductFactory, VariantFactory
from tests.shop.support import buy
from xiaoyou.shop.models import Product
from xiaoyou.shop.services.points import points_credit

pytestmark = pytest.mark.django_db


def test_the_shelf_is_public_and_shows_on_shelf_products_only(client, org_tree):
    plain = VariantFactory(product=ProductFactory(org=org_tree.college, name="校徽"), stock=0)
    starred = ProductFactory(org=org_tree.college, name="纪念T恤", is_recommended=True)
    VariantFactory(product=starred, label="M", stock=3, position=0)
    VariantFactory(product=starred, label="L", stock=0, position=1)
    hidden = ProductFactory(org=org_tree.college, name="下架商品", is_on_shelf=False)

    body = client.get("/api/v1/shop/products").json()
    assert (body["count"], body["page"]) == (2, 1)
    assert [item["name"] for item in body["items"]] == ["纪念T恤", "校徽"]
    first = body["items"][0]
    assert (first["price"], first["points_price"], first["in_stock"]) == (8800, 500, True)
    assert first["org_name"] == org_tree.college.name
    assert body["items"][1]["in_stock"] is False
    found = client.get("/api/v1/shop/products", {"q": "校徽"}).json()
    assert [item["id"] for item in found["items"]] == [plain.product_id]

    detail = client.get(f"/api/v1/shop/products/{starred.pk}").json()
    assert [(v["label"], v["stock"]) for v in detail["variants"]] == [("M", 3), ("L", 0)]
    assert Product.objects.get(pk=starred.pk).view_count == 1  # counted like the hall
    assert client.get(f"/api/v1/shop/products/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/shop/products/999999").status_code == 404


def test_my_orders_are_mine_only(client, org_tree, verified_alumnus, outsider):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, name="纪念杯"), stock=5)
    order = buy(verified_alumnus, variant, 2)
    assert client.get("/api/v1/shop/orders").status_code == 401
    assert client.get(f"/api/v1/shop/orders/{order.pk}").status_code == 401

    client.force_login(verified_alumnus)
    body = client.get("/api/v1/shop/orders").json()
    assert body["count"] == 1
    [mine] = body["items"]
    assert (mine["number"], mine["status"], mine["total_amount"]) == (
        order.number,
        "pending_payment",
        2 * 8800,
    )
    assert [(line["product_name"], line["quantity"]) for line in mine["lines"]] == [("纪念杯", 2)]
    assert [step["status"] for step in mine["history"]] == [
        event.status for event in order.events.all()
    ]
    assert client.get(f"/api/v1/shop/orders/{order.pk}").json()["id"] == order.pk

    client.force_login(outsider)
    assert client.get("/api/v1/shop/orders").json()["count"] == 0
    assert client.get(f"/api/v1/shop/orders/{order.pk}").status_code == 404


def test_my_points_balance_and_ledger(client, org_tree, verified_alumnus, outsider):
    assert client.get("/api/v1/shop/points").status_code == 401
    client.force_login(verified_alumnus)
    assert client.get("/api/v1/shop/points").json() == {"balance": 0}
    assert client.get("/api/v1/shop/points/entries").json()["items"] == []

    points_credit(user=verified_alumnus, points=800, reason="活动签到", source="test:1")
    variant = VariantFactory(product=ProductFactory(org=org_tree.college), stock=5)
    buy(verified_alumnus, variant, 1, pay_method="points")

    assert client.get("/api/v1/shop/points").json() == {"balance": 300}
    entries = client.get("/api/v1/shop/points/entries").json()["items"]
    assert [(e["points"], e["balance_after"]) for e in entries] == [(-500, 300), (800, 800)]

    # A personal API token (the mini program's way in) reads the same account.
    token = ApiTokenFactory(user=verified_alumnus)
    by_token = Client().get("/api/v1/shop/points", HTTP_AUTHORIZATION=f"Bearer {token.plain}")
    assert by_token.json() == {"balance": 300}

    client.force_login(outsider)
    assert client.get("/api/v1/shop/points").json() == {"balance": 0}
    assert client.get("/api/v1/shop/points/entries").json()["count"] == 0
