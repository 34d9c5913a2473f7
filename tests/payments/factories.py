"""factory_boy factories of the payments models (add, don't rewrite: several helpers share it)."""

from __future__ import annotations

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import OrganizationFactory
from xiaoyou.payments.models import (
    LedgerEntry,
    LedgerKind,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    ReconciliationReport,
    RefundStatus,
)


class PaymentOrderFactory(DjangoModelFactory):
    """An order whose payable is its organization unless `payable` is given."""

    class Meta:
        model = PaymentOrder
        exclude = ("payable_object",)

    out_trade_no = factory.Sequence(lambda n: f"XYT{n:012d}")
    org = factory.SubFactory(OrganizationFactory)
    payable_object = factory.LazyAttribute(lambda o: o.org)
    payable_type = factory.LazyAttribute(
        lambda o: ContentType.objects.get_for_model(o.payable_object)
    )
    payable_id = factory.LazyAttribute(lambda o: str(o.payable_object.pk))
    subject = "2026年会费"
    amount = 10000
    status = OrderStatus.CREATED

    class Params:
        paid = factory.Trait(
            status=OrderStatus.PAID,
            provider="wechat",
            channel="native",
            paid_at=factory.LazyFunction(timezone.now),
            provider_trade_no=factory.Sequence(lambda n: f"4200{n:016d}"),
        )


def paid_order(**fields) -> PaymentOrder:
    """A paid order with its PAID ledger entry (written now)."""
    order = PaymentOrderFactory(paid=True, **fields)
    LedgerEntry.objects.create(
        order=order,
        kind=LedgerKind.PAID,
        amount=order.amount,
        status_before=OrderStatus.PAYING,
        status_after=OrderStatus.PAID,
        source="notification",
        provider_reference=order.provider_trade_no,
    )
    return order


def refunded(order: PaymentOrder, amount: int, *, out_refund_no: str = "") -> PaymentRefund:
    """A succeeded refund of `order` with its REFUNDED ledger entry (written now)."""
    refund = PaymentRefund.objects.create(
        order=order,
        out_refund_no=out_refund_no or f"{order.out_trade_no}R{order.refunds.count() + 1}",
        amount=amount,
        reason="退会",
        status=RefundStatus.SUCCEEDED,
        finished_at=timezone.now(),
    )
    order.refunded_amount += amount
    order.status = (
        OrderStatus.REFUNDED
        if order.refunded_amount >= order.amount
        else OrderStatus.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["refunded_amount", "status", "updated_at"])
    LedgerEntry.objects.create(
        order=order, refund=refund, kind=LedgerKind.REFUNDED, amount=-amount, source="notification"
    )
    return refund


class ReconciliationReportFactory(DjangoModelFactory):
    class Meta:
        model = ReconciliationReport

    provider = "wechat"
    day = factory.LazyFunction(timezone.localdate)
    ledger_count = 1
    ledger_amount = 10000
    provider_count = 1
    provider_amount = 12000
    mismatches = factory.LazyFunction(
        lambda: [
            {
                "kind": "amount_differs",
                "line": "payment",
                "number": "XYT000000000001",
                "out_trade_no": "XYT000000000001",
                "ledger_amount": 10000,
                "provider_amount": 12000,
                "provider_reference": "4200000001",
            }
        ]
    )
