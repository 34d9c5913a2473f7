"""商品: products and their variants (managed in the console), and view counting."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.shop import errors
from xiaoyou.shop.models import Product, ProductView, Variant

PRODUCT_FIELDS = [
    "org",
    "seller_name",
    "name",
    "description",
    "image",
    "price",
    "points_price",
    "is_recommended",
    "is_on_shelf",
]


def _check_prices(price: int | None, points_price: int | None) -> None:
    if not price and not points_price:
        raise ApplicationError(errors.PRICE_REQUIRED)


def product_save(
    *,
    actor: Any,
    product: Product | None = None,
    org: Any,
    name: str,
    seller_name: str = "",
    description: str = "",
    image: Any = None,
    price: int | None = None,
    points_price: int | None = None,
    is_recommended: bool = False,
    is_on_shelf: bool = False,
) -> Product:
    """Creates or changes a product (admins of its organization, before and after a move;
    audited). Rule: it has a price in fen, a price in points, or both."""
    _check_prices(price, points_price)
    policy.require(actor, "manage", Product, org=org)
    if product is not None:
        policy.require(actor, "manage", product)
    with transaction.atomic():
        before = audit.snapshot(product, PRODUCT_FIELDS) if product is not None else {}
        product = product or Product()
        product.org = org
        product.name = name.strip()[:120]
        product.seller_name = seller_name.strip()[:120]
        product.description = description
        if image is not None:
            product.image = image
        product.price = price or None
        product.points_price = points_price or None
        product.is_recommended = is_recommended
        product.is_on_shelf = is_on_shelf
        product.save()
        audit.record(
            actor=actor,
            action="shop.product.create" if not before else "shop.product.update",
            obj=product,
            changes=audit.diff(before, audit.snapshot(product, PRODUCT_FIELDS)),
        )
    return product


def variant_save(
    *, actor: Any, product: Product, variant: Variant | None = None, label: str, stock: int
) -> Variant:
    """Adds a variant or sets its label and stock (the product's managers; audited)."""
    policy.require(actor, "manage", product)
    if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
        raise ApplicationError("invalid_input")
    with transaction.atomic():
        if variant is None:
            variant = Variant.objects.create(
                product=product,
                label=label.strip()[:60],
                stock=stock,
                position=product.variants.count(),
            )
            changes: dict[str, Any] = {"label": [None, variant.label], "stock": [None, stock]}
        else:
            if variant.product_id != product.pk:
                raise ApplicationError("not_found", status=404)
            locked = Variant.objects.select_for_update().get(pk=variant.pk)
            changes = audit.diff(
                {"label": locked.label, "stock": locked.stock}, {"label": label, "stock": stock}
            )
            locked.label, locked.stock = label.strip()[:60], stock
            locked.save(update_fields=["label", "stock"])
            variant = locked
        audit.record(actor=actor, action="shop.variant.save", obj=product, changes=changes)
    return variant


def product_view_record(*, product: Product) -> None:
    """Counts one view of `product` (total and today's, for the hot ranking)."""
    today = timezone.localdate()
    with transaction.atomic():
        Product.objects.filter(pk=product.pk).update(view_count=F("view_count") + 1)
        if not ProductView.objects.filter(product=product, day=today).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ProductView.objects.create(product=product, day=today, count=1)
            except IntegrityError:  # created by a concurrent view
                ProductView.objects.filter(product=product, day=today).update(count=F("count") + 1)
