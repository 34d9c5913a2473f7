"""Helpers of the shop tests: a checkout and its payment through the fake provider."""

from __future__ import annotations

from typing import Any

from xiaoyou.shop.models import Order
from xiaoyou.shop.services.orders import Item, order_checkout


def buy(buyer: Any, variant: Any, quantity: int = 1, *, pay_method: str = "money") -> Order:
    return order_checkout(
        buyer=buyer,
        items=[Item(variant.pk, quantity)],
        pay_method=pay_method,
        delivery="pickup",
    )


def pay(order: Order) -> bool:
    """Pays the order's payment through the fake provider; run inside
    django_capture_on_commit_callbacks(execute=True) so the payable callback runs."""
    from xiaoyou.payments.providers.base import PaymentState, StartContext
    from xiaoyou.payments.services.orders import payment_start
    from xiaoyou.payments.services.settlement import payment_state_apply

    order.refresh_from_db()
    payment = order.payment
    assert payment is not None
    if not payment.provider:
        payment_start(order=payment, provider="fake", channel="h5", context=StartContext())
        payment.refresh_from_db()
    state = PaymentState(out_trade_no=payment.out_trade_no, state="paid", amount=payment.amount)
    return payment_state_apply(order=payment, state=state, source="notification")
