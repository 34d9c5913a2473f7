"""订单: checkout, payment (money through the payments app, or points), expiry, shipping,
receipt and refunds.

Stock is claimed at checkout by a conditional UPDATE (`SET stock = stock - q WHERE stock >= q`)
per variant, in one transaction with the order: concurrent buyers of the last items serialize on
the variant's row and the loser's UPDATE matches nothing, so stock never oversells. An unpaid
order holds its stock until it expires; `orders_expire` (a periodic task) cancels it and gives
the stock back. Every status change is a conditional UPDATE from the expected status, so a
replayed payment callback, a late expiry or a double click changes nothing twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.shop import errors
from xiaoyou.shop.models import (
    Delivery,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PayMethod,
    Product,
    Variant,
)
from xiaoyou.shop.services import points

S = OrderStatus
MAX_QUANTITY = 99


@dataclass(frozen=True)
class Item:
    variant_id: int
    quantity: int


def _number() -> str:
    return "SP" + timezone.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


def _history(order: Order, status: str, note: str = "") -> None:
    OrderEvent.objects.create(order=order, status=status, note=note[:200])


def _move(order: Order, *, from_: Iterable[str], to: str, **fields: Any) -> bool:
    """Moves the order to `to` only from one of `from_`; True when this call moved it."""
    moved = Order.objects.filter(pk=order.pk, status__in=list(from_)).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if moved:
        order.status = to
        for name, value in fields.items():
            setattr(order, name, value)
    return bool(moved)


def _stock_return(order: Order) -> None:
    for line in order.lines.all():
        Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)


def _sales_add(order: Order, sign: int = 1) -> None:
    for line in order.lines.select_related("variant"):
        Product.objects.filter(pk=line.variant.product_id).update(
            sales_count=F("sales_count") + sign * line.quantity
        )


def order_checkout(
    *,
    buyer: Any,
    items: list[Item],
    pay_method: str,
    delivery: str,
    recipient: str = "",
    phone: str = "",
    address: str = "",
) -> Order:
    """Places an order for `items` (variant, quantity) of one organization's shop.

    Rules: every product is on the shelf and has a price for `pay_method`; a delivery to an
    address needs recipient, phone and address; stock is claimed now (never oversold, else
    OUT_OF_STOCK and nothing is held). Paid in points, the points are debited in the same
    transaction (never below zero) and the order is paid at once; paid in money, a payment
    order is opened and the stock is held until it expires.
    """
    if not items:
        raise ApplicationError(errors.CART_EMPTY)
    if pay_method not in PayMethod.values or delivery not in Delivery.values:
        raise ApplicationError("invalid_input")
    quantities: dict[int, int] = {}
    for item in items:
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise ApplicationError(errors.QUANTITY_INVALID)
        quantities[item.variant_id] = quantities.get(item.variant_id, 0) + item.quantity
    recipient, phone, address = recipient.strip()[:60], phone.strip()[:20], address.strip()[:300]
    if delivery == Delivery.ADDRESS and not (recipient and phone and address):
        raise ApplicationError(errors.ADDRESS_REQUIRED)
    variants = {
        variant.pk: variant
        for variant in Variant.objects.select_related("product", "product__org").filter(
            pk__in=quantities
        )
    }
    if len(variants) != len(quantities):
        raise ApplicationError("not_found", status=404)
    orgs = {variant.product.org_id for variant in variants.values()}
    if len(orgs) != 1:
        raise ApplicationError(errors.MIXED_SHOPS)
    for variant in variants.values():
        if not policy.can(buyer, "buy", variant.product):
            raise ApplicationError(errors.NOT_ON_SHELF, status=409)
        unit = (
            variant.product.price if pay_method == PayMethod.MONEY else variant.product.points_price
        )
        if not unit:
            raise ApplicationError(errors.NO_PRICE)
    org = next(iter(variants.values())).product.org
    with transaction.atomic():
        # Claim in id order so two checkouts of the same variants never deadlock.
        for variant_id in sorted(quantities):
            quantity = quantities[variant_id]
            claimed = Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
                stock=F("stock") - quantity
            )
            if not claimed:
                raise ApplicationError(
                    errors.OUT_OF_STOCK, status=409, name=variants[variant_id].product.name
                )
        order = Order.objects.create(
            org=org,
            number=_number(),
            buyer=buyer,
            pay_method=pay_method,
            delivery=delivery,
            recipient=recipient,
            phone=phone,
            address=address if delivery == Delivery.ADDRESS else "",
        )
        total_amount = total_points = 0
        for variant_id in sorted(quantities):
            variant, quantity = variants[variant_id], quantities[variant_id]
            product = variant.product
            line = OrderLine.objects.create(
                order=order,
                variant=variant,
                product_name=product.name,
                variant_label=variant.label,
                quantity=quantity,
                unit_price=(product.price or 0) if pay_method == PayMethod.MONEY else 0,
                unit_points=(product.points_price or 0) if pay_method == PayMethod.POINTS else 0,
            )
            total_amount += line.unit_price * quantity
            total_points += line.unit_points * quantity
        order.total_amount, order.total_points = total_amount, total_points
        _history(order, S.PENDING_PAYMENT)
        if pay_method == PayMethod.POINTS:
            points.points_debit(
                user=buyer,
                points=total_points,
                reason=gettext("Order %(number)s") % {"number": order.number},
                source=f"order:{order.pk}",
            )
            now = timezone.now()
            order.status, order.paid_at = S.PAID, now
            order.save(update_fields=["total_amount", "total_points", "status", "paid_at"])
            _history(order, S.PAID)
            _sales_add(order)
        else:
            from xiaoyou.payments.services.orders import order_create

            payment = order_create(
                payable=order,
                amount=total_amount,
                subject=f"{product.name} · {order.number}"[:120],
                org=org,
                payer=buyer,
                metadata={"kind": "shop"},
            )
            order.payment, order.expires_at = payment, payment.expires_at
            order.save(update_fields=["total_amount", "total_points", "payment", "expires_at"])
    return order


# --- Payment callbacks (registered as the payable's on_paid / on_refunded) ----------------------


def _order_of(payment: Any) -> Order | None:
    return Order.objects.filter(pk=payment.payable_id, payment_id=payment.pk).first()


def order_paid(payment: Any) -> None:
    """Payable callback: the order's payment is paid. PENDING_PAYMENT -> PAID once; a payment of
    an order already cancelled (expired meanwhile) is given back."""
    order = _order_of(payment)
    if order is None:
        return
    with transaction.atomic():
        if _move(
            order, from_=[S.PENDING_PAYMENT], to=S.PAID, paid_at=payment.paid_at or timezone.now()
        ):
            _history(order, S.PAID)
            _sales_add(order)
            return
    order.refresh_from_db()
    if order.status == S.CANCELLED:
        _refund_stray(payment)


def _refund_stray(payment: Any) -> None:
    from xiaoyou.payments.models import PaymentOrder
    from xiaoyou.payments.services.refunds import refund_open, refundable_now

    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=payment.pk)
        amount = refundable_now(locked)
        if amount > 0:
            refund_open(
                order=locked,
                amount=amount,
                reason=gettext("Automatic refund: the shop order was cancelled"),
                actor=None,
                submit_after_commit=True,
            )


def order_refunded(payment: Any) -> None:
    """Payable callback: once the payment is wholly refunded the order becomes REFUNDED; the
    stock comes back when nothing was shipped yet."""
    from xiaoyou.payments.models import OrderStatus as PaymentStatus

    payment.refresh_from_db()
    if payment.status != PaymentStatus.REFUNDED:
        return
    order = _order_of(payment)
    if order is None:
        return
    with transaction.atomic():
        was_paid = order.status == S.PAID
        if _move(
            order, from_=[S.PAID, S.SHIPPED, S.RECEIVED], to=S.REFUNDED, closed_at=timezone.now()
        ):
            _history(order, S.REFUNDED)
            _sales_add(order, -1)
            if was_paid:
                _stock_return(order)


def describe(order: Order) -> str:
    return f"{gettext('Shop order')} {order.number}"


def next_url(order: Order) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("hall:shop_order", args=[order.pk])
    except NoReverseMatch:
        return ""


# --- Buyer and staff steps ------------------------------------------------------------------


def order_cancel(*, order: Order, actor: Any = None, reason: str = "") -> Order:
    """Cancels an unpaid order and returns its stock: the buyer (actor), or the system when it
    expired (actor None). Rule: the payment is closed first; if the provider says it was paid
    meanwhile, the order stays and becomes paid through the callback instead."""
    if actor is not None:
        policy.require(actor, "buy", order)
    order.refresh_from_db()
    if order.status != S.PENDING_PAYMENT:
        raise ApplicationError(errors.ORDER_STATE, status=409)
    if order.payment is not None:
        from xiaoyou.payments.models import OrderStatus as PaymentStatus
        from xiaoyou.payments.services.orders import order_close

        closed = order_close(order=order.payment, reason=reason or "shop order cancelled")
        if closed.status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
            order.refresh_from_db()
            return order
    with transaction.atomic():
        if not _move(order, from_=[S.PENDING_PAYMENT], to=S.CANCELLED, closed_at=timezone.now()):
            order.refresh_from_db()
            return order
        _history(order, S.CANCELLED, reason)
        _stock_return(order)
        audit.record(
            actor=actor,
            action="shop.order.cancel",
            obj=order,
            changes={"status": [S.PENDING_PAYMENT, S.CANCELLED], "reason": [None, reason]},
        )
    return order


def orders_expire(*, now: Any = None) -> int:
    """Cancels the unpaid orders whose time to pay ran out, returning their stock (task)."""
    now = now or timezone.now()
    count = 0
    for order in Order.objects.filter(status=S.PENDING_PAYMENT, expires_at__lte=now).select_related(
        "payment"
    ):
        order_cancel(order=order, reason="expired")
        count += order.status == S.CANCELLED
    return count


def order_ship(*, order: Order, actor: Any, shipping_number: str = "") -> Order:
    """Ships a paid order (its organization's admins; audited). Rule: delivery to an address
    needs the shipping number; an on-site pickup is marked handed over the same way."""
    policy.require(actor, "manage", order)
    shipping_number = shipping_number.strip()[:60]
    if order.delivery == Delivery.ADDRESS and not shipping_number:
        raise ApplicationError(errors.SHIPPING_NUMBER_REQUIRED)
    with transaction.atomic():
        if not _move(
            order,
            from_=[S.PAID],
            to=S.SHIPPED,
            shipping_number=shipping_number,
            shipped_at=timezone.now(),
        ):
            raise ApplicationError(errors.ORDER_STATE, status=409)
        _history(order, S.SHIPPED, shipping_number)
        audit.record(
            actor=actor,
            action="shop.order.ship",
            obj=order,
            changes={"status": [S.PAID, S.SHIPPED], "shipping_number": [None, shipping_number]},
        )
    return order


def order_receive(*, order: Order, actor: Any) -> Order:
    """The buyer confirms the receipt of a shipped order."""
    policy.require(actor, "buy", order)
    with transaction.atomic():
        if not _move(order, from_=[S.SHIPPED], to=S.RECEIVED, received_at=timezone.now()):
            raise ApplicationError(errors.ORDER_STATE, status=409)
        _history(order, S.RECEIVED)
    return order


def order_refund(*, order: Order, actor: Any, reason: str) -> Order:
    """Refunds a paid, shipped or received order (its organization's admins; audited).

    Paid in points: the points come back at once (once per order) and the stock too when
    nothing was shipped. Paid in money: the whole payment is refunded through the payments
    app; the order becomes REFUNDED when the refund succeeds (the payable's callback).
    """
    policy.require(actor, "manage", order)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("invalid_input")
    order.refresh_from_db()
    if order.status not in (S.PAID, S.SHIPPED, S.RECEIVED):
        raise ApplicationError(errors.ORDER_STATE, status=409)
    if order.pay_method == PayMethod.POINTS:
        with transaction.atomic():
            was_paid = order.status == S.PAID
            before = order.status
            if not _move(
                order,
                from_=[S.PAID, S.SHIPPED, S.RECEIVED],
                to=S.REFUNDED,
                closed_at=timezone.now(),
            ):
                raise ApplicationError(errors.ORDER_STATE, status=409)
            points.points_credit(
                user=order.buyer,
                points=order.total_points,
                reason=gettext("Refund of order %(number)s") % {"number": order.number},
                source=f"order:{order.pk}:refund",
            )
            _history(order, S.REFUNDED, reason)
            _sales_add(order, -1)
            if was_paid:
                _stock_return(order)
            audit.record(
                actor=actor,
                action="shop.order.refund",
                obj=order,
                changes={"status": [before, S.REFUNDED], "reason": [None, reason]},
            )
        return order
    from xiaoyou.payments.services.refunds import refund_create, refundable_now

    assert order.payment is not None
    amount = refundable_now(order.payment)
    if amount <= 0:
        raise ApplicationError(errors.ORDER_STATE, status=409)
    refund = refund_create(order=order.payment, amount=amount, reason=reason, actor=actor)
    audit.record(
        actor=actor,
        action="shop.order.refund",
        obj=order,
        changes={"amount": [None, amount], "reason": [None, reason], "refund": [None, refund.pk]},
    )
    order.refresh_from_db()
    return order
