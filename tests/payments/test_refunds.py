from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.payments import fake_provider
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.payments.models import (
    LedgerKind,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    RefundStatus,
)
from xiaoyou.payments.providers.base import PaymentState
from xiaoyou.payments.services.refunds import pending_refunds_settle, refund_create, refund_sync
from xiaoyou.payments.services.settlement import payment_state_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(paying):
    state = PaymentState(out_trade_no=paying.out_trade_no, state="paid", amount=10000)
    assert payment_state_apply(order=paying, state=state, source="notification")
    return paying


def test_partial_then_full_refund(paid, college_admin, gateway):
    first = refund_create(order=paid, amount=3000, reason="少一人", actor=college_admin)
    assert first.status == RefundStatus.SUCCEEDED
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, 3000)
    second = refund_create(order=paid, amount=7000, reason="活动取消", actor=college_admin)
    assert second.out_refund_no != first.out_refund_no
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_amount) == (OrderStatus.REFUNDED, 10000)
    refunded = list(paid.ledger.filter(kind=LedgerKind.REFUNDED).values_list("amount", flat=True))
    assert refunded == [-3000, -7000]
    assert paid.ledger.filter(kind=LedgerKind.REFUND_REQUESTED).count() == 2
    assert AuditEntry.objects.filter(action="payments.refund.create").count() == 2


def test_refund_over_the_paid_amount_is_refused(paid, college_admin, gateway):
    refund_create(order=paid, amount=6000, reason="a", actor=college_admin)
    with pytest.raises(ApplicationError) as info:
        refund_create(order=paid, amount=4001, reason="b", actor=college_admin)
    assert info.value.code == "payments.refund_too_large"
    assert PaymentRefund.objects.count() == 1


def test_refund_in_flight_counts_against_the_cap(paid, college_admin, gateway):
    gateway.refund_state = "processing"
    refund_create(order=paid, amount=8000, reason="a", actor=college_admin)
    with pytest.raises(ApplicationError) as info:
        refund_create(order=paid, amount=2001, reason="b", actor=college_admin)
    assert info.value.code == "payments.refund_too_large"


def test_retry_after_timeout_reuses_the_refund(paid, college_admin, gateway):
    gateway.refund_timeouts = 1
    refund = refund_create(
        order=paid, amount=5000, reason="超时重试", actor=college_admin, out_refund_no="RETRY-1"
    )
    assert refund.status == RefundStatus.PENDING
    again = refund_create(
        order=paid, amount=5000, reason="超时重试", actor=college_admin, out_refund_no="RETRY-1"
    )
    assert again.pk == refund.pk and again.status == RefundStatus.SUCCEEDED
    assert gateway.refund_calls == ["RETRY-1", "RETRY-1"]
    assert PaymentRefund.objects.count() == 1
    paid.refresh_from_db()
    assert paid.refunded_amount == 5000
    assert paid.ledger.filter(kind=LedgerKind.REFUNDED).count() == 1
    # Replaying once more changes nothing.
    refund_create(order=paid, amount=5000, reason="x", actor=college_admin, out_refund_no="RETRY-1")
    assert gateway.refund_calls == ["RETRY-1", "RETRY-1"]
    with pytest.raises(ApplicationError):
        refund_create(
            order=paid, amount=10, reason="x", actor=college_admin, out_refund_no="RETRY-1"
        )


def test_periodic_task_resends_a_timed_out_refund(paid, college_admin, gateway):
    gateway.refund_timeouts = 1
    refund = refund_create(order=paid, amount=5000, reason="超时", actor=college_admin)
    PaymentRefund.objects.filter(pk=refund.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert pending_refunds_settle() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_processing_refund_synced(paid, college_admin, gateway):
    gateway.refund_state = "processing"
    refund = refund_create(order=paid, amount=2000, reason="a", actor=college_admin)
    gateway.refunds[refund.out_refund_no]["state"] = "succeeded"
    assert refund_sync(refund=refund).status == RefundStatus.SUCCEEDED


def test_failed_refund_frees_the_amount(paid, college_admin, gateway):
    gateway.refund_state = "failed"
    refund = refund_create(order=paid, amount=10000, reason="a", actor=college_admin)
    assert refund.status == RefundStatus.FAILED
    assert paid.ledger.filter(kind=LedgerKind.REFUND_FAILED).count() == 1
    gateway.refund_state = "succeeded"
    refund_create(order=paid, amount=10000, reason="b", actor=college_admin)
    paid.refresh_from_db()
    assert paid.status == OrderStatus.REFUNDED


def test_provider_refund_window(paid, college_admin, gateway):
    PaymentOrder.objects.filter(pk=paid.pk).update(
        paid_at=timezone.now() - dt.timedelta(days=fake_provider.FakeProvider.max_refund_days + 1)
    )
    with pytest.raises(ApplicationError) as info:
        refund_create(order=paid, amount=100, reason="a", actor=college_admin)
    assert info.value.code == "payments.refund_not_allowed"


def test_unpaid_order_cannot_be_refunded(paying, college_admin):
    with pytest.raises(ApplicationError) as info:
        refund_create(order=paying, amount=100, reason="a", actor=college_admin)
    assert info.value.code == "payments.refund_not_allowed"


def test_refund_needs_an_admin_of_the_org(paid, regional_admin, verified_alumnus):
    for user in (regional_admin, verified_alumnus):
        with pytest.raises(PermissionDenied):
            refund_create(order=paid, amount=100, reason="a", actor=user)
