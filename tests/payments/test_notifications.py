from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.payments import fake_provider
from xiaoyou.core.models import AuditEntry
from xiaoyou.payments import payables
from xiaoyou.payments.models import (
    LedgerEntry,
    LedgerKind,
    NotificationLog,
    NotificationOutcome,
    OrderStatus,
    PaymentOrder,
    PaymentRefund,
    PaymentRequest,
    RefundStatus,
)
from xiaoyou.payments.services.orders import order_close

URL = "/payments/notify/fake/"


@pytest.fixture
def calls(monkeypatch):
    """Counts the payable callbacks (registered again with recording callbacks)."""
    seen: list[tuple[str, int]] = []
    monkeypatch.setitem(
        payables._payables,
        "payments.paymentrequest",
        payables.Payable(
            PaymentRequest,
            on_paid=lambda order: seen.append(("paid", order.pk)),
            on_refunded=lambda order: seen.append(("refunded", order.pk)),
        ),
    )
    return seen


def post(client: Client, headers: dict[str, str], body: bytes):
    extra = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    return client.post(URL, data=body, content_type="application/json", **extra)


def paid_entries(order) -> int:
    return LedgerEntry.objects.filter(order=order, kind=LedgerKind.PAID).count()


@pytest.mark.django_db
def test_url_name():
    assert reverse("payments:notify", kwargs={"provider": "fake"}) == URL


@pytest.mark.django_db
def test_notification_applied_once_under_ten_replays(
    client, paying, calls, django_capture_on_commit_callbacks
):
    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000, trade_no="T42")
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, headers, body)
        assert response.status_code == 204
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAID and paying.provider_trade_no == "T42"
    assert paying.receipt_number.startswith("XY")
    assert paid_entries(paying) == 1
    entry = LedgerEntry.objects.get(order=paying, kind=LedgerKind.PAID)
    assert (entry.amount, entry.source, entry.status_before) == (10000, "notification", "paying")
    outcomes = list(NotificationLog.objects.filter(order=paying).values_list("outcome", flat=True))
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 9
    assert calls == [("paid", paying.pk)]


@pytest.mark.django_db
def test_wrong_amount_is_rejected_and_logged(client, paying, calls):
    headers, body = fake_provider.payment_message(paying.out_trade_no, 1)
    before = LedgerEntry.objects.filter(order=paying).count()
    response = post(client, headers, body)
    assert response.status_code == 400
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAYING
    assert LedgerEntry.objects.filter(order=paying).count() == before
    log = NotificationLog.objects.get()
    assert log.outcome == NotificationOutcome.REJECTED and "amount" in log.reason
    assert calls == []


@pytest.mark.django_db
def test_wrong_currency_is_rejected(client, paying):
    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000, currency="USD")
    assert post(client, headers, body).status_code == 400
    assert paid_entries(paying) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", ["signature", "merchant"])
def test_forged_notification_is_rejected(client, paying, forgery):
    if forgery == "signature":
        headers, body = fake_provider.payment_message(paying.out_trade_no, 10000)
        headers["X-Fake-Signature"] = "0" * 64
    else:
        headers, body = fake_provider.payment_message(
            paying.out_trade_no, 10000, merchant="someone-else"
        )
    before = LedgerEntry.objects.count()
    response = post(client, headers, body)
    assert response.status_code == 400
    log = NotificationLog.objects.get()
    assert log.outcome == NotificationOutcome.REJECTED and log.reason.startswith("invalid")
    assert log.order is None
    assert LedgerEntry.objects.count() == before
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PAYING


@pytest.mark.django_db
def test_unknown_order_and_disabled_provider_rejected(client, gateway):
    headers, body = fake_provider.payment_message("XY-no-such-order", 100)
    assert post(client, headers, body).status_code == 400
    response = client.post("/payments/notify/nope/", data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert NotificationLog.objects.filter(outcome="rejected").count() == 2


@pytest.mark.django_db
def test_notify_refuses_get_and_needs_no_csrf(paying):
    client = Client(enforce_csrf_checks=True)
    assert client.get(URL).status_code == 405
    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000)
    assert post(client, headers, body).status_code == 204


@pytest.mark.django_db
def test_late_notification_after_close_marks_paid_and_refunds(
    client, paying, calls, gateway, django_capture_on_commit_callbacks
):
    order_close(order=paying)
    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000, trade_no="LATE1")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, headers, body)
    assert response.status_code == 204
    paying.refresh_from_db()
    assert paying.status == OrderStatus.REFUNDED and paying.refunded_amount == 10000
    assert paying.metadata["late_payment"]
    refund = PaymentRefund.objects.get(order=paying)
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount == 10000
    assert gateway.refund_calls == [refund.out_refund_no]
    kinds = list(paying.ledger.values_list("kind", flat=True))
    assert kinds[-4:] == ["closed", "paid", "refund_requested", "refunded"]
    log = NotificationLog.objects.get(order=paying)
    assert log.outcome == NotificationOutcome.APPLIED and "late" in log.reason
    assert AuditEntry.objects.filter(action="payments.order.late_payment").count() == 1
    assert calls == []  # the payable's purpose lapsed: neither on_paid nor on_refunded
    # A replay of the late notification changes nothing more.
    post(client, headers, body)
    assert paid_entries(paying) == 1 and PaymentRefund.objects.count() == 1


@pytest.mark.django_db
def test_second_payment_with_another_transaction_is_flagged(client, paying):
    for trade_no in ("A1", "B2", "B2"):
        headers, body = fake_provider.payment_message(paying.out_trade_no, 10000, trade_no=trade_no)
        assert post(client, headers, body).status_code == 204
    paying.refresh_from_db()
    assert paid_entries(paying) == 1
    assert paying.metadata["double_payments"] == [{"provider": "fake", "provider_trade_no": "B2"}]


@pytest.mark.django_db
def test_refund_notification(
    client, paying, college_admin, gateway, calls, django_capture_on_commit_callbacks
):
    from xiaoyou.payments.services.refunds import refund_create

    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000)
    post(client, headers, body)
    gateway.refund_state = "processing"
    refund = refund_create(order=paying, amount=3000, reason="部分退款", actor=college_admin)
    assert refund.status == RefundStatus.PROCESSING
    headers, body = fake_provider.refund_message(refund.out_refund_no, 3000)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, headers, body).status_code == 204
    assert calls == [("refunded", paying.pk)]  # once, however often the news came
    paying.refresh_from_db()
    assert paying.status == OrderStatus.PARTIALLY_REFUNDED and paying.refunded_amount == 3000
    assert paying.ledger.filter(kind=LedgerKind.REFUNDED).count() == 1
    outcomes = NotificationLog.objects.filter(kind="refund").values_list("outcome", flat=True)
    assert sorted(outcomes) == ["applied", "duplicate", "duplicate"]
    headers, body = fake_provider.refund_message(refund.out_refund_no, 9999)
    assert post(client, headers, body).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_racing_notifications_give_one_paid_entry(paying):
    """Threads with their own database connections deliver the same notification at once."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("needs a file database")
    headers, body = fake_provider.payment_message(paying.out_trade_no, 10000, trade_no="RACE")
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            statuses.append(post(Client(), headers, body).status_code)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert statuses == [204] * 6
    order = PaymentOrder.objects.get(pk=paying.pk)
    assert order.status == OrderStatus.PAID
    assert paid_entries(order) == 1
    outcomes = sorted(NotificationLog.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied"] + ["duplicate"] * 5
