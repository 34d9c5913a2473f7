"""Daily reconciliation: the ledger of a provider and day against a bill (test double of
adapter.bill), mismatches of each kind, one report per (provider, day), the daily task."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from tests.payments import fake_provider
from tests.payments.factories import paid_order, refunded
from xiaoyou.core.models import AuditEntry
from xiaoyou.payments.models import ReconciliationReport
from xiaoyou.payments.providers.base import BillLine, ProviderError
from xiaoyou.payments.services import reconciliation
from xiaoyou.payments.services.reconciliation import reconciliation_run

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def bill(gateway, monkeypatch):
    """The fake provider's bill, as a list the test fills."""
    lines: list[BillLine] = []
    monkeypatch.setattr(fake_provider.FakeProvider, "bill", lambda self, day: list(lines))
    return lines


def _payment(order, amount=None):
    return BillLine(
        order.out_trade_no,
        "payment",
        order.amount if amount is None else amount,
        order.provider_trade_no,
    )


def test_balanced_day(bill, org_tree):
    today = timezone.localdate()
    first = paid_order(org=org_tree.college, provider="fake", amount=10000)
    second = paid_order(org=org_tree.club, provider="fake", amount=2550)
    refund = refunded(second, 550)
    bill.extend(
        [
            _payment(first),
            _payment(second),
            BillLine(second.out_trade_no, "refund", 550, "RF1", out_refund_no=refund.out_refund_no),
        ]
    )
    report = reconciliation_run(provider="fake", day=today)
    assert report.is_balanced and report.mismatches == []
    assert (report.ledger_count, report.ledger_amount) == (3, 10000 + 2550 - 550)
    assert (report.provider_count, report.provider_amount) == (3, 12000)
    assert AuditEntry.objects.filter(action="payments.reconciliation_run").count() == 1


def test_mismatches_of_every_kind(bill, org_tree):
    today = timezone.localdate()
    only_ours = paid_order(org=org_tree.college, provider="fake", amount=10000)
    differs = paid_order(org=org_tree.college, provider="fake", amount=5000)
    refund = refunded(differs, 1000)
    other_provider = paid_order(org=org_tree.college, provider="wechat", amount=700)
    bill.extend(
        [
            _payment(differs, 4000),
            BillLine("XYTUNKNOWN", "payment", 300, "4200999"),
            BillLine(differs.out_trade_no, "refund", 1000, out_refund_no=refund.out_refund_no),
        ]
    )
    report = reconciliation_run(provider="fake", day=today)
    found = {(item["kind"], item["line"], item["out_trade_no"]) for item in report.mismatches}
    assert found == {
        ("missing_at_provider", "payment", only_ours.out_trade_no),
        ("amount_differs", "payment", differs.out_trade_no),
        ("missing_in_ledger", "payment", "XYTUNKNOWN"),
    }
    amounts = {
        item["out_trade_no"]: (item["ledger_amount"], item["provider_amount"])
        for item in report.mismatches
    }
    assert amounts[differs.out_trade_no] == (5000, 4000)
    assert amounts[only_ours.out_trade_no] == (10000, None)
    assert amounts["XYTUNKNOWN"] == (None, 300)
    assert other_provider.out_trade_no not in str(report.mismatches)
    assert report.ledger_amount == 10000 + 5000 - 1000


def test_refund_missing_at_provider(bill, org_tree):
    order = paid_order(org=org_tree.college, provider="fake", amount=3000)
    refund = refunded(order, 3000)
    bill.append(_payment(order))
    report = reconciliation_run(provider="fake", day=timezone.localdate())
    assert report.mismatches == [
        {
            "kind": "missing_at_provider",
            "line": "refund",
            "number": refund.out_refund_no,
            "out_trade_no": order.out_trade_no,
            "ledger_amount": 3000,
            "provider_amount": None,
            "provider_reference": "",
        }
    ]


def test_rerun_replaces_the_report(bill, org_tree):
    today = timezone.localdate()
    order = paid_order(org=org_tree.college, provider="fake")
    first = reconciliation_run(provider="fake", day=today)
    assert len(first.mismatches) == 1
    bill.append(_payment(order))
    second = reconciliation_run(provider="fake", day=today)
    assert second.pk == first.pk and second.is_balanced
    assert ReconciliationReport.objects.filter(provider="fake", day=today).count() == 1


def test_day_is_the_shanghai_day(bill, org_tree):
    """An entry written at 23:59 Shanghai time belongs to that day, not to the next UTC day."""
    day = dt.date(2026, 3, 10)
    late = dt.datetime(2026, 3, 10, 23, 59, tzinfo=SHANGHAI)
    after = dt.datetime(2026, 3, 11, 0, 1, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=late):
        inside = paid_order(org=org_tree.college, provider="fake", amount=100)
    with mock.patch("django.utils.timezone.now", return_value=after):
        paid_order(org=org_tree.college, provider="fake", amount=200)
    report = reconciliation_run(provider="fake", day=day)
    assert [item["out_trade_no"] for item in report.mismatches] == [inside.out_trade_no]
    assert report.ledger_amount == 100


def test_daily_task_runs_yesterday_for_every_enabled_provider(bill, org_tree, settings):
    settings.PAYMENTS_PROVIDERS = {"fake": {}, "alipay": None}
    unnumbered = paid_order(org=org_tree.college, provider="fake")
    assert reconciliation.reconcile_yesterday.run() == 1
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert list(ReconciliationReport.objects.values_list("provider", "day")) == [
        ("fake", yesterday)
    ]
    unnumbered.refresh_from_db()
    assert unnumbered.receipt_number  # the sweep numbered it


def test_a_failing_provider_does_not_stop_the_others(bill, org_tree, settings, monkeypatch):
    settings.PAYMENTS_PROVIDERS = {"fake": {}, "broken": {}}

    def boom(*args, **kwargs):
        raise ProviderError("bill not ready", retryable=True)

    real = reconciliation.reconciliation_run
    monkeypatch.setattr(
        reconciliation,
        "reconciliation_run",
        lambda *, provider, day: (
            boom() if provider == "broken" else real(provider=provider, day=day)
        ),
    )
    with pytest.raises(ProviderError):
        reconciliation.reconcile_day(dt.date(2026, 3, 10))
    assert ReconciliationReport.objects.filter(provider="fake").count() == 1


def test_schedule_is_declared_for_ten_in_the_morning():
    from xiaoyou.core.schedules import all_schedules

    entry = next(item for item in all_schedules() if item.name == "payments.reconcile-yesterday")
    assert entry.crontab == "0 10 * * *" and entry.task == reconciliation.RECONCILE_TASK


def test_against_the_wechatpay_sandbox_bill(settings, org_tree):
    """The real adapter's bill from the WeChat Pay sandbox: one payment we never recorded."""
    from tests.payments.test_wechatpay import CREDENTIALS, Receiver, paid
    from xiaoyou.payments.providers.wechatpay import WeChatPayProvider
    from xiaoyou.payments.sandbox.wechatpay import WeChatPaySandbox

    with WeChatPaySandbox(credentials=CREDENTIALS) as sandbox, Receiver() as receiver:
        config = sandbox.provider_config(f"{receiver.url}/notify")
        settings.PAYMENTS_PROVIDERS = {"wechat": config}
        adapter = WeChatPayProvider(**config)
        recorded = paid_order(org=org_tree.college, provider="wechat", amount=12345)
        paid(adapter, sandbox, recorded.out_trade_no, 12345)
        paid(adapter, sandbox, "XYTNOTOURS", 500)
        report = reconciliation_run(provider="wechat", day=timezone.localdate())
    assert [(item["kind"], item["out_trade_no"]) for item in report.mismatches] == [
        ("missing_in_ledger", "XYTNOTOURS")
    ]
    assert (report.ledger_amount, report.provider_amount) == (12345, 12845)
