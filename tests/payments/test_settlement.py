from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiaoyou.payments.models import LedgerKind, OrderStatus, PaymentOrder
from xiaoyou.payments.providers.base import PaymentState
from xiaoyou.payments.services.settlement import (
    PaymentMismatch,
    expired_orders_close,
    payment_state_apply,
    pending_orders_settle,
)
from xiaoyou.payments.tasks import close_expired, settle_pending

pytestmark = pytest.mark.django_db


def _age(order, minutes: int) -> None:
    PaymentOrder.objects.filter(pk=order.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_apply_is_idempotent(paying):
    state = PaymentState(out_trade_no=paying.out_trade_no, state="paid", amount=10000)
    assert payment_state_apply(order=paying, state=state, source="query") is True
    assert payment_state_apply(order=paying, state=state, source="query") is False
    assert paying.ledger.filter(kind=LedgerKind.PAID).count() == 1


def test_apply_refuses_another_orders_message(paying):
    state = PaymentState(out_trade_no="XYother", state="paid", amount=10000)
    with pytest.raises(PaymentMismatch):
        payment_state_apply(order=paying, state=state, source="query")


def test_pending_orders_are_queried_after_the_delay(paying, gateway, settings):
    gateway.orders[paying.out_trade_no].update(state="paid", trade_no="Q1")
    _age(paying, settings.PAYMENTS_PENDING_QUERY_MINUTES - 1)
    assert pending_orders_settle() == 0
    _age(paying, settings.PAYMENTS_PENDING_QUERY_MINUTES + 1)
    assert settle_pending() == {"orders": 1, "refunds": 0}
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID and paying.provider_trade_no == "Q1"
    assert paying.ledger.get(kind=LedgerKind.PAID).source == "query"


def test_pending_query_with_wrong_amount_changes_nothing(paying, gateway, settings):
    gateway.orders[paying.out_trade_no].update(state="paid", amount=1)
    _age(paying, settings.PAYMENTS_PENDING_QUERY_MINUTES + 1)
    assert pending_orders_settle() == 0
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAYING


def test_provider_closed_order_is_closed(paying, gateway, settings):
    gateway.orders[paying.out_trade_no]["state"] = "closed"
    _age(paying, settings.PAYMENTS_PENDING_QUERY_MINUTES + 1)
    assert pending_orders_settle() == 1
    paying.refresh_from_db()
    assert paying.status == OrderStatus.CLOSED


def test_expired_orders_close(paying, order, gateway):
    PaymentOrder.objects.filter(pk=paying.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert close_expired() == 1
    paying.refresh_from_db()
    assert paying.status == OrderStatus.CLOSED
    assert gateway.closed == [paying.out_trade_no]
    assert expired_orders_close() == 0


def test_schedules_registered():
    from xiaoyou.core.schedules import all_schedules

    names = {entry.name for entry in all_schedules()}
    assert {"payments.settle-pending", "payments.close-expired"} <= names
