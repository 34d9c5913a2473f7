"""Factories of the shop models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory
from xiaoyou.shop.models import PointsRule, Product, Variant


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"校庆纪念品{n}")
    price = 8800
    points_price = 500
    is_on_shelf = True


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    label = "默认"
    stock = 10


class PointsRuleFactory(DjangoModelFactory):
    class Meta:
        model = PointsRule

    org = factory.SubFactory(OrganizationFactory)
    action = "event_attended"
    points = 50
