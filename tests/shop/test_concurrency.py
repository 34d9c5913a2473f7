"""Stock never oversells and points never go negative under concurrent checkouts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.factories import UserFactory
from tests.shop.factories import ProductFactory, VariantFactory
from tests.shop.support import buy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.shop import errors
from xiaoyou.shop.models import Order, OrderLine, PointsAccount, Variant
from xiaoyou.shop.services import points


def _race(workers: list) -> tuple[list, list[BaseException]]:
    results: list = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(workers))

    def run(work):
        from django.db import connections

        try:
            barrier.wait()
            results.append(work())
        except ApplicationError as error:
            results.append(error)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_40_buyers_for_5_items_never_oversell(org_tree, gateway):
    variant = VariantFactory(product=ProductFactory(org=org_tree.college), stock=5)
    buyers = [UserFactory() for _ in range(40)]
    results, failures = _race([lambda buyer=buyer: buy(buyer, variant, 1) for buyer in buyers])
    assert failures == []
    placed = [result for result in results if isinstance(result, Order)]
    refused = [result for result in results if isinstance(result, ApplicationError)]
    assert len(placed) == 5
    assert {error.code for error in refused} == {errors.OUT_OF_STOCK}
    assert len(refused) == 35
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
@pytest.mark.django_db(transaction=True)
def test_concurrent_exchanges_never_overspend_points(org_tree):
    variant = VariantFactory(
        product=ProductFactory(org=org_tree.college, points_price=100), stock=100
    )
    buyer = UserFactory()
    points.points_credit(user=buyer, points=300, reason="gift", source="test:1")
    results, failures = _race(
        [lambda: buy(buyer, variant, 1, pay_method="points") for _ in range(12)]
    )
    assert failures == []
    assert sum(isinstance(result, Order) for result in results) == 3
    assert PointsAccount.objects.get(user=buyer).balance == 0
    assert Variant.objects.get(pk=variant.pk).stock == 97
