"""Reads of the shop: the shelf, hot products, a buyer's orders, the console's scopes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoyou.core import policy
from xiaoyou.shop.models import (
    Order,
    OrderLine,
    OrderStatus,
    PointsEntry,
    PointsRule,
    Product,
    ProductView,
)

SOLD = [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.RECEIVED]
HOT_WINDOW_DAYS = 30
# One sale weighs as much as this many views in the hot ranking.
SALE_WEIGHT = 10


def products_on_shelf(*, search: str = "") -> QuerySet[Product]:
    """Products for sale, recommended first; `search` matches name, seller and description."""
    queryset = Product.objects.filter(is_on_shelf=True).select_related("org")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(seller_name__icontains=search)
            | Q(description__icontains=search)
        )
    return queryset.prefetch_related("variants")


def hot_products(*, days: int = HOT_WINDOW_DAYS, limit: int = 6) -> list[Product]:
    """热门商品: on-shelf products ranked by sales and views over the last `days` days
    (score = sales x SALE_WEIGHT + views), at least one sale or view in the window."""
    since = timezone.now() - dt.timedelta(days=days)
    sales = (
        OrderLine.objects.filter(
            variant__product=OuterRef("pk"), order__status__in=SOLD, order__paid_at__gte=since
        )
        .values("variant__product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    views = (
        ProductView.objects.filter(product=OuterRef("pk"), day__gte=since.date())
        .values("product")
        .annotate(total=Sum("count"))
        .values("total")
    )
    queryset = (
        Product.objects.filter(is_on_shelf=True)
        .annotate(
            window_sales=Coalesce(Subquery(sales, output_field=IntegerField()), Value(0)),
            window_views=Coalesce(Subquery(views, output_field=IntegerField()), Value(0)),
        )
        .annotate(hot_score=F("window_sales") * SALE_WEIGHT + F("window_views"))
        .filter(hot_score__gt=0)
        .order_by("-hot_score", "-pk")
    )
    return list(queryset[:limit])


def orders_of(user: Any) -> QuerySet[Order]:
    """The buyer's own orders, newest first, with lines and history."""
    return (
        Order.objects.filter(buyer=user)
        .select_related("payment")
        .prefetch_related("lines", "events")
        .order_by("-created_at")
    )


def points_entries_of(user: Any) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(account__user=user).order_by("-created_at", "-pk")


def products_managed_by(user: Any) -> QuerySet[Product]:
    return policy.scoped(Product.objects.select_related("org"), user, "manage")


def orders_managed_by(user: Any) -> QuerySet[Order]:
    return policy.scoped(
        Order.objects.select_related("org", "buyer", "payment").prefetch_related("lines"),
        user,
        "manage",
    )


def points_rules_managed_by(user: Any) -> QuerySet[PointsRule]:
    return policy.scoped(PointsRule.objects.select_related("org"), user, "manage")
