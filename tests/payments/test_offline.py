from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry, ReviewItem
from xiaoyou.core.reviews import review_decide
from xiaoyou.payments.models import LedgerKind, OrderStatus
from xiaoyou.payments.providers.base import StartContext
from xiaoyou.payments.services.offline import OFFLINE_REVIEW_KIND, offline_payment_record
from xiaoyou.payments.services.orders import payment_start
from xiaoyou.payments.services.refunds import refund_create

pytestmark = pytest.mark.django_db


def _record(order, actor, **overrides):
    fields = {
        "method": "transfer",
        "amount": order.amount,
        "received_on": dt.date(2026, 11, 20),
        "reference": "ICBC-778899",
        "payer_name": "张伟",
    }
    fields.update(overrides)
    return offline_payment_record(order=order, actor=actor, **fields)


def test_payer_gets_transfer_instructions(order, settings):
    settings.PAYMENTS_PROVIDERS = {
        **settings.PAYMENTS_PROVIDERS,
        "offline": {"payee": "示范大学校友总会", "bank": "工商银行", "account": "6222 0000"},
    }
    result = payment_start(
        order=order, provider="offline", channel="transfer", context=StartContext()
    )
    assert "6222 0000" in result.instructions and order.out_trade_no in result.instructions
    order.refresh_from_db()
    assert (
        order.status == OrderStatus.PAYING
        and order.expires_at > order.started_at + dt.timedelta(days=7)
    )


def test_offline_payment_through_review(
    order, college_admin, platform_admin, django_capture_on_commit_callbacks
):
    evidence = _record(order, college_admin)
    order.refresh_from_db()
    assert (order.status, order.provider, order.channel) == ("paying", "offline", "transfer")
    assert order.ledger.filter(kind=LedgerKind.OFFLINE_RECORDED).count() == 1
    assert AuditEntry.objects.filter(action="payments.offline.record").count() == 1
    item = ReviewItem.objects.get(kind=OFFLINE_REVIEW_KIND)
    assert item.org == order.org and item.object_id == str(evidence.pk)
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(item=item, actor=platform_admin, approved=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.provider_trade_no == f"offline-{evidence.pk}"
    paid = order.ledger.get(kind=LedgerKind.PAID)
    assert (paid.source, paid.amount) == ("staff", 10000)
    # Staff pay it back by hand: the refund succeeds at once.
    refund = refund_create(order=order, amount=10000, reason="退会", actor=college_admin)
    assert refund.status == "succeeded"


def test_rejected_offline_payment_leaves_order_waiting(order, college_admin, platform_admin):
    _record(order, college_admin)
    item = ReviewItem.objects.get(kind=OFFLINE_REVIEW_KIND)
    review_decide(item=item, actor=platform_admin, approved=False, reason="未到账")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING
    assert not order.ledger.filter(kind=LedgerKind.PAID).exists()


def test_offline_record_rules(order, college_admin, regional_admin):
    with pytest.raises(ApplicationError) as info:
        _record(order, college_admin, amount=9999)
    assert info.value.code == "payments.amount_invalid"
    with pytest.raises(PermissionDenied):
        _record(order, regional_admin)
    _record(order, college_admin)
    with pytest.raises(ApplicationError):  # one pending record per order
        _record(order, college_admin)


def test_offline_approval_after_an_online_payment_is_flagged(paying, college_admin, platform_admin):
    from xiaoyou.payments.providers.base import PaymentState
    from xiaoyou.payments.services.settlement import payment_state_apply

    evidence = _record(paying, college_admin)
    state = PaymentState(
        out_trade_no=paying.out_trade_no, state="paid", amount=10000, provider_trade_no="WX1"
    )
    assert payment_state_apply(order=paying, state=state, source="notification")
    review_decide(
        item=ReviewItem.objects.get(kind=OFFLINE_REVIEW_KIND), actor=platform_admin, approved=True
    )
    paying.refresh_from_db()
    assert paying.ledger.filter(kind=LedgerKind.PAID).count() == 1
    assert paying.metadata["double_payments"] == [
        {"provider": "offline", "provider_trade_no": f"offline-{evidence.pk}"}
    ]
