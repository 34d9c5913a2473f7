"""Alipay end to end: the services, the real notify URL on a live server and the Alipay sandbox.

Each bad notification is refused with `failure`, logged, and leaves the ledger unchanged; a
replayed one changes state once; refunds (partial, full, retried) go through the sandbox.
"""

from __future__ import annotations

import httpx
import pytest

from xiaoyou.core.errors import ApplicationError
from xiaoyou.payments.models import (
    LedgerEntry,
    LedgerKind,
    NotificationLog,
    NotificationOutcome,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    RefundStatus,
)
from xiaoyou.payments.providers.alipay import AlipayProvider
from xiaoyou.payments.providers.base import StartContext
from xiaoyou.payments.sandbox.alipay import AlipaySandbox
from xiaoyou.payments.services.orders import order_close, payment_start
from xiaoyou.payments.services.refunds import refund_create
from xiaoyou.payments.services.settlement import order_sync

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(settings, live_server):
    with AlipaySandbox() as emulator:
        settings.PAYMENTS_PROVIDERS = {
            **settings.PAYMENTS_PROVIDERS,
            "alipay": emulator.provider_config(),
        }
        settings.PAYMENTS_NOTIFY_BASE_URL = live_server.url
        yield emulator


@pytest.fixture
def paying(order, sandbox, live_server):
    """The order (100 yuan) started with Alipay page pay; the payer is at the cashier."""
    context = StartContext(return_url=f"{live_server.url}/back/")
    result = payment_start(order=order, provider="alipay", channel="page", context=context)
    assert httpx.get(result.redirect_url).status_code == 200
    trade = sandbox.trades[order.out_trade_no]
    assert trade.notify_url == f"{live_server.url}/payments/notify/alipay/"
    assert trade.total_amount == "100.00"
    return order


def ledger(order: PaymentOrder) -> list[tuple[str, int]]:
    return list(LedgerEntry.objects.filter(order=order).values_list("kind", "amount"))


def outcomes(order_number: str) -> list[str]:
    rows = NotificationLog.objects.filter(out_trade_no=order_number, provider="alipay")
    return list(rows.order_by("id").values_list("outcome", flat=True))


def test_cashier_pay_then_ten_duplicates_pay_once(paying, sandbox):
    answer = httpx.post(f"{sandbox.url}/cashier/{paying.out_trade_no}", data={"action": "pay"})
    assert answer.status_code == 302 and "/back/?" in answer.headers["Location"]
    assert sandbox.deliveries[-1]["reply"] == "success"
    assert sandbox.notify_duplicates(paying.out_trade_no, 10) == ["success"] * 10
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID and paying.paid_at is not None
    assert paying.provider_trade_no == sandbox.trades[paying.out_trade_no].trade_no
    assert [kind for kind, _ in ledger(paying)].count(LedgerKind.PAID) == 1
    assert (LedgerKind.PAID, 10000) in ledger(paying)
    assert (
        outcomes(paying.out_trade_no)
        == [NotificationOutcome.APPLIED] + [NotificationOutcome.DUPLICATE] * 10
    )


@pytest.mark.parametrize(
    "send",
    ["notify_forged", "notify_wrong_app_id", "notify_wrong_seller_id", "notify_wrong_amount"],
)
def test_bad_notification_is_refused_logged_and_changes_nothing(paying, sandbox, send):
    sandbox.pay(paying.out_trade_no, notify=False)  # paid at Alipay; only the message is bad
    before = ledger(paying)
    assert getattr(sandbox, send)(paying.out_trade_no) == ["failure"]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAYING and ledger(paying) == before
    log = NotificationLog.objects.get(out_trade_no__in=[paying.out_trade_no, ""])
    assert log.outcome == NotificationOutcome.REJECTED and log.reason
    # The genuine notification still goes through afterwards.
    assert sandbox.send_notification(paying.out_trade_no) == ["success"]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID


def test_unknown_out_trade_no_is_refused(sandbox, live_server):
    stranger = PaymentOrder(out_trade_no="XYNOTOURS0001", amount=500, subject="?")
    adapter = AlipayProvider(**sandbox.provider_config())
    context = StartContext(notify_url=f"{live_server.url}/payments/notify/alipay/")
    httpx.get(adapter.start(stranger, channel="page", context=context).redirect_url)
    assert sandbox.pay("XYNOTOURS0001") == ["failure"]
    log = NotificationLog.objects.get(out_trade_no="XYNOTOURS0001")
    assert log.outcome == NotificationOutcome.REJECTED and "unknown" in log.reason
    assert not PaymentOrder.objects.filter(out_trade_no="XYNOTOURS0001").exists()
    assert not LedgerEntry.objects.exists()


def test_out_of_order_wait_buyer_pay_after_success_is_ignored(paying, sandbox):
    assert sandbox.pay(paying.out_trade_no) == ["success"]
    before = ledger(paying)
    assert sandbox.notify_out_of_order(paying.out_trade_no) == ["success"]
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID and ledger(paying) == before


def test_late_payment_after_close_is_applied_and_refunded(paying, sandbox):
    order_close(order=paying, reason="expired")
    paying.refresh_from_db()
    assert paying.status == OrderStatus.CLOSED
    assert sandbox.trades[paying.out_trade_no].status == "TRADE_CLOSED"
    assert sandbox.notify_late_after_close(paying.out_trade_no) == ["success"]
    refund = PaymentRefund.objects.get(order=paying)
    assert (refund.amount, refund.status) == (10000, RefundStatus.SUCCEEDED)
    assert sandbox.trades[paying.out_trade_no].refunded_fen == 10000
    paying.refresh_from_db()
    assert paying.status == OrderStatus.REFUNDED and paying.refunded_amount == 10000
    kinds = [kind for kind, _ in ledger(paying)]
    assert kinds.count(LedgerKind.PAID) == 1 and kinds.count(LedgerKind.REFUNDED) == 1
    # The same late message again changes nothing more.
    before = ledger(paying)
    sandbox.send_notification(paying.out_trade_no, trade_status="TRADE_SUCCESS")
    assert ledger(paying) == before and PaymentRefund.objects.filter(order=paying).count() == 1


def test_partial_then_full_refund(paying, sandbox, platform_admin):
    assert sandbox.pay(paying.out_trade_no) == ["success"]
    paying.refresh_from_db()
    first = refund_create(order=paying, amount=3000, reason="少收一人", actor=platform_admin)
    assert first.status == RefundStatus.SUCCEEDED
    paying.refresh_from_db()
    assert (paying.status, paying.refunded_amount) == (OrderStatus.PARTIALLY_REFUNDED, 3000)
    # A retry with the same out_refund_no is the same refund: nothing moves twice.
    again = refund_create(
        order=paying,
        amount=3000,
        reason="少收一人",
        actor=platform_admin,
        out_refund_no=first.out_refund_no,
    )
    assert again.pk == first.pk and sandbox.trades[paying.out_trade_no].refunded_fen == 3000
    with pytest.raises(ApplicationError):
        refund_create(order=paying, amount=7001, reason="超额", actor=platform_admin)
    rest = refund_create(order=paying, amount=7000, reason="活动取消", actor=platform_admin)
    assert rest.status == RefundStatus.SUCCEEDED
    paying.refresh_from_db()
    assert (paying.status, paying.refunded_amount) == (OrderStatus.REFUNDED, 10000)
    assert sandbox.trades[paying.out_trade_no].status == "TRADE_CLOSED"
    refunds = [amount for kind, amount in ledger(paying) if kind == LedgerKind.REFUNDED]
    assert sorted(refunds) == [-7000, -3000]
    # Alipay's later messages about the closed trade change nothing.
    before = ledger(paying)
    assert sandbox.send_notification(paying.out_trade_no) == ["success"]
    assert ledger(paying) == before


def test_order_without_notification_is_settled_by_query(paying, sandbox):
    sandbox.pay(paying.out_trade_no, notify=False)
    order = order_sync(order=paying)
    assert order.status == OrderStatus.PAID
    assert [kind for kind, _ in ledger(order)].count(LedgerKind.PAID) == 1
