"""API of the shop (店铺) for the H5 pages and the mini program: the shelf (products on sale, a
product with its variants and stock), my orders, my points balance and ledger.

The same selectors as the hall: products off the shelf are a 404 here (managers edit them in the
console); the shelf is readable without signing in, like the hall's shop, while orders and points
are the caller's own. Buying stays a page (the cart and checkout go through the payments app).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.core import policy
from xiaoyou.shop.models import Order, PointsAccount, Product
from xiaoyou.shop.selectors import orders_of, points_entries_of, products_on_shelf
from xiaoyou.shop.services.catalog import product_view_record

router = Router(tags=["shop"])

SEARCH_MAX_LENGTH = 60


# --- Schemas ------------------------------------------------------------------------------------


class VariantOut(Schema):
    id: int
    label: str
    stock: int


class ProductOut(Schema):
    id: int
    name: str
    org_id: int
    org_name: str
    seller_name: str = Field(..., description="Empty when the association itself sells it.")
    price: int | None = Field(..., description="In fen; null when sold for points only.")
    points_price: int | None = Field(..., description="Null when not exchangeable for points.")
    is_recommended: bool
    image_url: str
    in_stock: bool
    sales_count: int

    @staticmethod
    def resolve_org_name(obj: Product) -> str:
        return obj.org.name

    @staticmethod
    def resolve_image_url(obj: Product) -> str:
        return obj.image.url if obj.image else ""

    @staticmethod
    def resolve_in_stock(obj: Product) -> bool:
        return any(variant.stock > 0 for variant in obj.variants.all())


class ProductDetailOut(ProductOut):
    description: str
    variants: list[VariantOut]

    @staticmethod
    def resolve_variants(obj: Product) -> list[Any]:
        return list(obj.variants.all())


class OrderLineOut(Schema):
    product_name: str
    variant_label: str
    quantity: int
    unit_price: int = Field(..., description="In fen.")
    unit_points: int


class OrderEventOut(Schema):
    status: str
    note: str
    created_at: datetime


class OrderOut(Schema):
    id: int
    number: str
    org_id: int
    status: str
    status_label: str
    pay_method: str
    total_amount: int = Field(..., description="In fen.")
    total_points: int
    delivery: str
    recipient: str
    address: str
    shipping_number: str
    created_at: datetime
    expires_at: datetime | None = Field(..., description="Unpaid orders are cancelled then.")
    paid_at: datetime | None
    shipped_at: datetime | None
    received_at: datetime | None
    lines: list[OrderLineOut]
    history: list[OrderEventOut]

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_history(obj: Order) -> list[Any]:
        return list(obj.events.all())


class PointsOut(Schema):
    balance: int


class PointsEntryOut(Schema):
    id: int
    points: int = Field(..., description="Positive: earned or returned; negative: spent.")
    balance_after: int
    reason: str
    created_at: datetime


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/shop/products",
    response=list[ProductOut],
    auth=None,
    summary="Products on the shelf, recommended first (no sign-in needed)",
)
@paginate(PageNumber)
def products(
    request: HttpRequest,
    q: str = Query("", max_length=SEARCH_MAX_LENGTH, description="Name, seller or description."),
) -> Any:
    return products_on_shelf(search=q.strip())


@router.get(
    "/shop/products/{product_id}",
    response=ProductDetailOut,
    auth=None,
    summary="A product with its variants and their stock (counts a view while on the shelf)",
)
def product(request: HttpRequest, product_id: int) -> Any:
    # On the shelf: anyone; off the shelf: its organization's admins only (a preview), through
    # the policy's `view` rule; everyone else gets a 404 as for a product that does not exist.
    found = (
        Product.objects.select_related("org")
        .prefetch_related("variants")
        .filter(pk=product_id)
        .first()
    )
    if found is None or not policy.can(request.user, "view", found):
        raise Http404
    if found.is_on_shelf:
        product_view_record(product=found)
    return found


@router.get("/shop/orders", response=list[OrderOut], summary="My orders, newest first")
@paginate(PageNumber)
def my_orders(request: HttpRequest) -> Any:
    return orders_of(request.auth)  # type: ignore[attr-defined]


@router.get("/shop/orders/{order_id}", response=OrderOut, summary="One of my orders")
def my_order(request: HttpRequest, order_id: int) -> Any:
    order = orders_of(request.auth).filter(pk=order_id).first()  # type: ignore[attr-defined]
    if order is None:
        raise Http404
    return order


@router.get("/shop/points", response=PointsOut, summary="My points balance")
def my_points(request: HttpRequest) -> Any:
    user: Any = request.auth  # type: ignore[attr-defined]
    balance = PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first()
    return {"balance": balance or 0}


@router.get(
    "/shop/points/entries", response=list[PointsEntryOut], summary="My points ledger, newest first"
)
@paginate(PageNumber)
def my_points_entries(request: HttpRequest) -> Any:
    return points_entries_of(request.auth)  # type: ignore[attr-defined]
