"""WeChat Pay end to end: the services, the real notify URL on a live server and the sandbox,
which signs and encrypts its notifications and POSTs them to /payments/notify/wechat/."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from xiaoyou.payments.models import (
    LedgerEntry,
    LedgerKind,
    NotificationLog,
    NotificationOutcome,
    OrderStatus,
    PaymentRefund,
    RefundStatus,
)
from xiaoyou.payments.providers.base import StartContext
from xiaoyou.payments.sandbox.wechatpay import WeChatPaySandbox
from xiaoyou.payments.sandbox.wechatpay_keys import generate
from xiaoyou.payments.services.orders import order_close, payment_start
from xiaoyou.payments.services.reconciliation import reconciliation_run
from xiaoyou.payments.services.refunds import refund_create

pytestmark = pytest.mark.django_db(transaction=True)
CREDENTIALS = generate()


def wait_until(check: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def sandbox(settings, live_server):
    with WeChatPaySandbox(credentials=CREDENTIALS) as server:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "wechat": server.provider_config(),
        }
        settings.PAYMENTS_NOTIFY_BASE_URL = live_server.url
        yield server


@pytest.fixture
def paying(order, sandbox):
    payment_start(order=order, provider="wechat", channel="native", context=StartContext())
    assert sandbox.orders[order.out_trade_no]["notify_url"].endswith("/payments/notify/wechat/")
    return order


def ledger(order) -> list[tuple[str, int]]:
    return list(
        LedgerEntry.objects.filter(order=order).order_by("pk").values_list("kind", "amount")
    )


def outcomes(order) -> list[str]:
    return list(
        NotificationLog.objects.filter(order=order).order_by("pk").values_list("outcome", flat=True)
    )


def test_paid_once_after_ten_notifications(paying, sandbox):
    assert sandbox.pay(paying.out_trade_no) == 204
    assert sandbox.notify_payment(paying.out_trade_no, times=9) == [204] * 9
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID and paying.amount == 10000
    assert paying.provider_trade_no == sandbox.orders[paying.out_trade_no]["transaction_id"]
    assert [kind for kind, _ in ledger(paying)].count(LedgerKind.PAID) == 1
    assert outcomes(paying) == [NotificationOutcome.APPLIED] + [NotificationOutcome.DUPLICATE] * 9


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"forge": True}, "invalid"),
        ({"age": 600}, "invalid"),
        ({"mchid": "1900000999"}, "invalid"),
        ({"amount": 1}, "amount"),
    ],
)
def test_bad_notifications_rejected_logged_ledger_unchanged(paying, sandbox, options, reason):
    before = ledger(paying)
    assert sandbox.notify_payment(paying.out_trade_no, **options) == [400]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAYING
    assert ledger(paying) == before
    log = NotificationLog.objects.filter(provider="wechat").latest("pk")
    assert log.outcome == NotificationOutcome.REJECTED and reason in log.reason


def test_late_notification_after_close_is_refunded(paying, sandbox):
    order_close(order=paying)
    assert sandbox.orders[paying.out_trade_no]["trade_state"] == "CLOSED"
    assert sandbox.notify_payment(paying.out_trade_no) == [204]
    refund = PaymentRefund.objects.get(order=paying)
    assert refund.amount == 10000
    wait_until(lambda: PaymentRefund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED)
    paying.refresh_from_db()
    assert paying.metadata["late_payment"] and paying.status == OrderStatus.REFUNDED
    assert sandbox.refunds[refund.out_refund_no]["amount"]["refund"] == 10000
    wait_until(lambda: any(d.event_type == "REFUND.SUCCESS" for d in sandbox.deliveries))


def test_partial_then_full_refund_with_notifications(paying, sandbox, platform_admin):
    sandbox.pay(paying.out_trade_no)
    sandbox.refund_delay = 0.3  # the first refund is processing until REFUND.SUCCESS arrives
    first = refund_create(order=paying, amount=3000, reason="部分退款", actor=platform_admin)
    assert first.status == RefundStatus.PROCESSING
    wait_until(lambda: PaymentRefund.objects.get(pk=first.pk).status == RefundStatus.SUCCEEDED)
    paying.refresh_from_db()
    assert (paying.status, paying.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, 3000)
    sandbox.refund_delay = 0
    second = refund_create(order=paying, amount=7000, reason="全额退款", actor=platform_admin)
    assert second.status == RefundStatus.SUCCEEDED  # the answer said SUCCESS at once
    wait_until(
        lambda: len([d for d in sandbox.deliveries if d.event_type == "REFUND.SUCCESS"]) == 2
    )
    paying.refresh_from_db()
    assert (paying.status, paying.refunded_amount) == (OrderStatus.REFUNDED, 10000)
    refunds = [(kind, amount) for kind, amount in ledger(paying) if kind == LedgerKind.REFUNDED]
    assert refunds == [(LedgerKind.REFUNDED, -3000), (LedgerKind.REFUNDED, -7000)]
    assert all(d.status == 204 for d in sandbox.deliveries)
    # a replayed refund notification and an old payment notification (out of order) change nothing
    before = ledger(paying)
    assert sandbox.notify_refund(first.out_refund_no, times=2) == [204, 204]
    assert sandbox.notify_payment(paying.out_trade_no) == [204]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.REFUNDED and ledger(paying) == before


def test_held_notifications_arrive_out_of_order(paying, sandbox, platform_admin):
    sandbox.hold = True
    sandbox.pay(paying.out_trade_no)
    sandbox.notify_payment(paying.out_trade_no, times=2)
    assert sandbox.release_notifications(reverse=True) == [204, 204, 204]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID
    assert sorted(outcomes(paying)) == ["applied", "duplicate", "duplicate"]


def test_bill_matches_the_ledger(paying, sandbox, platform_admin):
    sandbox.pay(paying.out_trade_no)
    refund_create(order=paying, amount=2500, reason="部分退款", actor=platform_admin)
    day = timezone.localdate()
    report = reconciliation_run(provider="wechat", day=day)
    assert report.mismatches == []
    assert (report.provider_count, report.provider_amount) == (2, 7500)
    assert (report.ledger_count, report.ledger_amount) == (2, 7500)
    wait_until(lambda: any(d.event_type == "REFUND.SUCCESS" for d in sandbox.deliveries))
