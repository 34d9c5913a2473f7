from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.payments.models import LedgerEntry, LedgerKind, OrderStatus, PaymentOrder
from xiaoyou.payments.providers.base import StartContext
from xiaoyou.payments.services.orders import order_close, order_create, payment_start
from xiaoyou.payments.services.requests import payment_request_order, payment_request_update

pytestmark = pytest.mark.django_db


def test_order_create_writes_created_entry(order, fee, verified_alumnus):
    assert order.status == OrderStatus.CREATED
    assert order.amount == 10000 and order.payer == verified_alumnus
    assert order.payable == fee and order.org == fee.org
    assert len(order.out_trade_no) == 32 and order.out_trade_no.startswith("XY")
    kinds = list(LedgerEntry.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == [LedgerKind.CREATED]


@pytest.mark.parametrize("amount", [0, -1, 1.5, True])
def test_order_create_refuses_bad_amounts(fee, amount):
    with pytest.raises(ApplicationError) as info:
        order_create(payable=fee, amount=amount, subject="x", org=fee.org)
    assert info.value.code == "payments.amount_invalid"


def test_open_order_is_reused_for_the_same_payer(order, fee, verified_alumnus, outsider):
    assert payment_request_order(payment_request=fee, payer=verified_alumnus) == order
    assert payment_request_order(payment_request=fee, payer=outsider) != order


def test_closed_request_cannot_be_paid(fee, platform_admin, outsider):
    fee = payment_request_update(actor=platform_admin, payment_request=fee, is_open=False)
    with pytest.raises(ApplicationError):
        payment_request_order(payment_request=fee, payer=outsider)


def test_start_sets_paying_and_gives_qr(order, gateway):
    result = payment_start(order=order, provider="fake", channel="native", context=StartContext())
    assert result.qr_code == f"fake://pay/{order.out_trade_no}"
    order.refresh_from_db()
    assert (order.status, order.provider, order.channel) == ("paying", "fake", "native")
    assert gateway.orders[order.out_trade_no]["notify_url"] == (
        "http://testserver/payments/notify/fake/"
    )
    assert order.ledger.filter(kind=LedgerKind.STARTED).count() == 1


def test_start_refuses_unknown_provider_and_channel(order, gateway):
    with pytest.raises(ApplicationError) as info:
        payment_start(order=order, provider="nope", channel="native", context=StartContext())
    assert info.value.code == "payments.provider_unavailable"
    with pytest.raises(ApplicationError) as info:
        payment_start(order=order, provider="fake", channel="cash", context=StartContext())
    assert info.value.code == "payments.channel_unsupported"


def test_start_refuses_expired_or_closed(order, gateway):
    PaymentOrder.objects.filter(pk=order.pk).update(expires_at="2020-01-01T00:00Z")
    with pytest.raises(ApplicationError) as info:
        payment_start(order=order, provider="fake", channel="native", context=StartContext())
    assert info.value.code == "payments.order_not_payable"


def test_switching_provider_closes_the_previous_payment(paying, gateway):
    result = payment_start(
        order=paying, provider="offline", channel="transfer", context=StartContext()
    )
    assert paying.out_trade_no in result.instructions
    assert gateway.closed == [paying.out_trade_no]
    paying.refresh_from_db()
    assert paying.provider == "offline"


def test_close_by_staff_is_audited_and_in_ledger(paying, college_admin, gateway):
    closed = order_close(order=paying, actor=college_admin, reason="重复下单")
    assert closed.status == OrderStatus.CLOSED and gateway.closed == [paying.out_trade_no]
    entry = closed.ledger.get(kind=LedgerKind.CLOSED)
    assert (entry.status_before, entry.status_after, entry.source) == ("paying", "closed", "staff")
    assert AuditEntry.objects.filter(
        action="payments.order.close", object_id=str(paying.pk)
    ).exists()
    # Closing again changes nothing.
    assert order_close(order=paying, actor=college_admin).ledger.count() == closed.ledger.count()


def test_close_refused_by_provider_because_paid_applies_the_payment(paying, gateway):
    gateway.close_refuses = True
    gateway.orders[paying.out_trade_no].update(state="paid", trade_no="T1")
    result = order_close(order=paying)
    assert result.status == OrderStatus.PAID
    assert result.ledger.filter(kind=LedgerKind.PAID).count() == 1


def test_close_needs_an_admin_of_the_org(paying, regional_admin, verified_alumnus):
    for user in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            order_close(order=paying, actor=user)
