"""Shop services: checkout claims stock, payment by money or points, expiry, shipping,
refunds, the points ledger and its rules, hot products."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.shop.factories import PointsRuleFactory, ProductFactory, VariantFactory
from tests.shop.support import buy, pay
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.shop import errors
from xiaoyou.shop.models import Order, OrderStatus, PointsAccount, PointsEntry, Variant
from xiaoyou.shop.services import orders, points
from xiaoyou.shop.services.orders import Item, order_checkout

pytestmark = pytest.mark.django_db


def _stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def test_checkout_claims_stock_and_opens_a_payment(org_tree, verified_alumnus, gateway):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, price=8800), stock=3)
    order = buy(verified_alumnus, variant, 2)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.total_amount == 17600
    assert order.payment.amount == 17600
    assert order.expires_at == order.payment.expires_at
    assert _stock(variant) == 1
    with pytest.raises(ApplicationError) as error:
        buy(verified_alumnus, variant, 2)
    assert error.value.code == errors.OUT_OF_STOCK
    assert _stock(variant) == 1
    assert Order.objects.count() == 1


def test_paid_callback_is_idempotent(
    org_tree, verified_alumnus, gateway, django_capture_on_commit_callbacks
):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college), stock=5)
    order = buy(verified_alumnus, variant, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    orders.order_paid(order.payment)  # a retried callback
    variant.product.refresh_from_db()
    assert variant.product.sales_count == 2
    assert [event.status for event in order.events.all()] == ["pending_payment", "paid"]


def test_pay_with_points_debits_in_the_same_transaction(org_tree, verified_alumnus):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, points_price=300))
    points.points_credit(user=verified_alumnus, points=500, reason="gift", source="test:1")
    order = buy(verified_alumnus, variant, 1, pay_method="points")
    assert order.status == OrderStatus.PAID
    assert order.payment is None
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 200
    with pytest.raises(ApplicationError) as error:
        buy(verified_alumnus, variant, 1, pay_method="points")
    assert error.value.code == errors.POINTS_NOT_ENOUGH
    # The failed exchange held nothing: stock and balance unchanged, no order.
    assert _stock(variant) == 9
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 200
    assert Order.objects.count() == 1


def test_points_only_product_cannot_be_bought_with_money(org_tree, verified_alumnus):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, price=None))
    with pytest.raises(ApplicationError) as error:
        buy(verified_alumnus, variant)
    assert error.value.code == errors.NO_PRICE


def test_off_shelf_product_cannot_be_bought(org_tree, verified_alumnus):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, is_on_shelf=False))
    with pytest.raises(ApplicationError) as error:
        buy(verified_alumnus, variant)
    assert error.value.code == errors.NOT_ON_SHELF


def test_delivery_needs_an_address(org_tree, verified_alumnus):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college))
    with pytest.raises(ApplicationError) as error:
        order_checkout(
            buyer=verified_alumnus,
            items=[Item(variant.pk, 1)],
            pay_method="money",
            delivery="address",
            recipient="王校友",
        )
    assert error.value.code == errors.ADDRESS_REQUIRED


def test_expired_order_is_cancelled_and_stock_returns(
    org_tree, verified_alumnus, gateway, django_capture_on_commit_callbacks
):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college), stock=2)
    order = buy(verified_alumnus, variant, 2)
    from xiaoyou.payments.providers.base import StartContext
    from xiaoyou.payments.services.orders import payment_start

    payment_start(order=order.payment, provider="fake", channel="h5", context=StartContext())
    assert _stock(variant) == 0
    assert orders.orders_expire() == 0  # not yet
    later = timezone.now() + dt.timedelta(hours=3)
    assert orders.orders_expire(now=later) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert _stock(variant) == 2
    assert order.payment.status == "closed"
    assert orders.orders_expire(now=later) == 0
    assert _stock(variant) == 2
    # Paid late anyway: the order stays cancelled and the payments app refunds the money.
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment.refunds.count() == 1


def test_staff_ship_buyer_receives(org_tree, verified_alumnus, college_admin, regional_admin):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college))
    points.points_credit(user=verified_alumnus, points=1000, reason="gift", source="test:1")
    order = buy(verified_alumnus, variant, pay_method="points")
    with pytest.raises(Exception) as denied:
        orders.order_ship(order=order, actor=regional_admin, shipping_number="SF1")
    assert type(denied.value).__name__ == "PermissionDenied"
    orders.order_ship(order=order, actor=college_admin, shipping_number="SF1234567")
    order.refresh_from_db()
    assert (order.status, order.shipping_number) == (OrderStatus.SHIPPED, "SF1234567")
    assert AuditEntry.objects.filter(action="shop.order.ship", object_id=str(order.pk)).exists()
    orders.order_receive(order=order, actor=verified_alumnus)
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert [event.status for event in order.events.all()] == [
        "pending_payment",
        "paid",
        "shipped",
        "received",
    ]


def test_points_refund_gives_points_and_stock_back_once(org_tree, verified_alumnus, college_admin):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college, points_price=400))
    points.points_credit(user=verified_alumnus, points=400, reason="gift", source="test:1")
    order = buy(verified_alumnus, variant, pay_method="points")
    orders.order_refund(order=order, actor=college_admin, reason="不想要了")
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 400
    assert _stock(variant) == 10
    with pytest.raises(ApplicationError):
        orders.order_refund(order=order, actor=college_admin, reason="again")
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 400


def test_money_refund_goes_through_payments(
    org_tree, verified_alumnus, college_admin, gateway, django_capture_on_commit_callbacks
):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college), stock=1)
    order = buy(verified_alumnus, variant)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_refund(order=order, actor=college_admin, reason="质量问题")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.payment.status == "refunded"
    assert _stock(variant) == 1


def test_points_never_negative_and_sources_count_once(verified_alumnus):
    assert points.points_credit(user=verified_alumnus, points=10, reason="a", source="x:1")
    assert points.points_credit(user=verified_alumnus, points=10, reason="a", source="x:1") is None
    with pytest.raises(ApplicationError):
        points.points_debit(user=verified_alumnus, points=11, reason="b", source="y:1")
    account = PointsAccount.objects.get(user=verified_alumnus)
    assert account.balance == 10
    assert list(PointsEntry.objects.values_list("points", "balance_after")) == [(10, 10)]


def test_event_attendance_awards_points_once(org_tree, verified_alumnus):
    from types import SimpleNamespace

    PointsRuleFactory(org=org_tree.college, action="event_attended", points=50)
    registration = SimpleNamespace(
        pk=7,
        user_id=verified_alumnus.pk,
        user=verified_alumnus,
        event=SimpleNamespace(org=org_tree.club),  # the rule of the club's parent applies
    )
    points.on_attendee_checked_in(registration)
    points.on_attendee_checked_in(registration)
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 50


def test_hooks_are_subscribed():
    from xiaoyou.donations.hooks import donation_paid
    from xiaoyou.events.hooks import attendee_checked_in

    assert points.on_attendee_checked_in in attendee_checked_in.subscribers
    assert points.on_donation_paid in donation_paid.subscribers


def test_donation_paid_awards_points(
    org_tree, verified_alumnus, gateway, django_capture_on_commit_callbacks
):
    from tests.donations.factories import ProjectFactory
    from tests.donations.support import give
    from tests.donations.support import pay as pay_gift

    PointsRuleFactory(org=org_tree.college, action="donation_paid", points=20)
    gift = give(ProjectFactory(org=org_tree.college), verified_alumnus)
    with django_capture_on_commit_callbacks(execute=True):
        pay_gift(gift)
    with django_capture_on_commit_callbacks(execute=True):
        pay_gift(gift)  # a replayed notification
    assert PointsAccount.objects.get(user=verified_alumnus).balance == 20


def test_hot_products_rank_sales_and_views(
    org_tree, verified_alumnus, gateway, django_capture_on_commit_callbacks
):
    from xiaoyou.shop.selectors import hot_products
    from xiaoyou.shop.services.catalog import product_view_record

    viewed = VariantFactory(product=ProductFactory(org=org_tree.college, name="viewed"))
    sold = VariantFactory(product=ProductFactory(org=org_tree.college, name="sold"))
    ProductFactory(org=org_tree.college, name="quiet")
    for _ in range(3):
        product_view_record(product=viewed.product)
    order = buy(verified_alumnus, sold, 1)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    assert [product.name for product in hot_products()] == ["sold", "viewed"]


def test_a_real_check_in_awards_the_attendance_points(
    org_tree, verified_alumnus, college_admin, django_capture_on_commit_callbacks
):
    from tests.events.factories import EventFactory, RegistrationFactory
    from xiaoyou.events.models import CheckInSource
    from xiaoyou.events.services import tickets

    PointsRuleFactory(org=org_tree.college, action="event_attended", points=30)
    event = EventFactory(org=org_tree.college)
    registration = tickets.ticket_issue(
        registration=RegistrationFactory(event=event, user=verified_alumnus, name="张伟")
    )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.check_in(
            event=event, registration=registration, actor=college_admin, source=CheckInSource.SEARCH
        )
    entry = PointsEntry.objects.get(account__user=verified_alumnus)
    assert (entry.points, entry.balance_after) == (30, 30)
