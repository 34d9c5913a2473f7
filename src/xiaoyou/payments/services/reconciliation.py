"""对账: the ledger of one provider and day against the provider's bill.

The ledger side is the PAID and REFUNDED entries written on `day` (Asia/Shanghai) for orders
of the provider; the provider side is `adapter.bill(day)`. Lines are matched by
(payment, out_trade_no) and (refund, out_refund_no); what one side has and the other lacks,
or holds with another amount, is a mismatch. A report is kept per (provider, day): running
it again replaces it, so the daily task can be retried and staff can re-run a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit
from xiaoyou.payments.models import LedgerEntry, LedgerKind, ReconciliationReport
from xiaoyou.payments.providers.base import BillLine, ProviderError, available_providers

logger = logging.getLogger(__name__)

MISSING_IN_LEDGER = "missing_in_ledger"
MISSING_AT_PROVIDER = "missing_at_provider"
AMOUNT_DIFFERS = "amount_differs"
RECONCILE_TASK = "xiaoyou.payments.reconcile_yesterday"

Key = tuple[str, str]  # ("payment", out_trade_no) | ("refund", out_refund_no)


def _ledger_lines(provider: str, day: dt.date) -> dict[Key, dict[str, Any]]:
    from xiaoyou.payments.selectors_console import day_bounds

    start, end = day_bounds(day)
    entries = (
        LedgerEntry.objects.filter(
            order__provider=provider,
            kind__in=(LedgerKind.PAID, LedgerKind.REFUNDED),
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("order", "refund")
        .order_by("id")
    )
    lines: dict[Key, dict[str, Any]] = {}
    for entry in entries:
        if entry.kind == LedgerKind.PAID:
            key: Key = ("payment", entry.order.out_trade_no)
        else:
            refund_no = entry.refund.out_refund_no if entry.refund else entry.order.out_trade_no
            key = ("refund", refund_no)
        line = lines.setdefault(
            key, {"amount": 0, "out_trade_no": entry.order.out_trade_no, "order_id": entry.order_id}
        )
        line["amount"] += abs(entry.amount)
    return lines


def _bill_lines(bill: list[BillLine]) -> dict[Key, dict[str, Any]]:
    lines: dict[Key, dict[str, Any]] = defaultdict(dict)
    for item in bill:
        kind = "refund" if item.kind == "refund" else "payment"
        number = item.out_refund_no or item.out_trade_no if kind == "refund" else item.out_trade_no
        line = lines[(kind, number)]
        line["amount"] = line.get("amount", 0) + abs(int(item.amount))
        line["out_trade_no"] = item.out_trade_no
        line["provider_reference"] = item.provider_reference
    return dict(lines)


def _net(lines: dict[Key, dict[str, Any]]) -> int:
    return sum(
        line["amount"] if kind == "payment" else -line["amount"]
        for (kind, _), line in lines.items()
    )


def compare(
    ledger: dict[Key, dict[str, Any]], bill: dict[Key, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The mismatches between both sides, in a stable order (kind of line, then number)."""
    mismatches = []
    for key in sorted(set(ledger) | set(bill)):
        kind, number = key
        ours, theirs = ledger.get(key), bill.get(key)
        if ours is None:
            problem = MISSING_IN_LEDGER
        elif theirs is None:
            problem = MISSING_AT_PROVIDER
        elif ours["amount"] != theirs["amount"]:
            problem = AMOUNT_DIFFERS
        else:
            continue
        mismatches.append(
            {
                "kind": problem,
                "line": kind,
                "number": number,
                "out_trade_no": (ours or theirs or {}).get("out_trade_no", number),
                "ledger_amount": ours["amount"] if ours else None,
                "provider_amount": theirs["amount"] if theirs else None,
                "provider_reference": (theirs or {}).get("provider_reference", ""),
            }
        )
    return mismatches


def reconciliation_run(*, provider: str, day: dt.date, actor: Any = None) -> ReconciliationReport:
    """Reconciles `provider`'s bill of `day` with the ledger; replaces that day's report.

    The bill is fetched before the transaction (a slow provider holds no lock); the report row
    is written with update_or_create under the (provider, day) unique constraint.
    """
    from xiaoyou.payments.providers.base import get_provider

    bill = _bill_lines(get_provider(provider).bill(day))
    with transaction.atomic():
        ledger = _ledger_lines(provider, day)
        mismatches = compare(ledger, bill)
        report, created = ReconciliationReport.objects.select_for_update().update_or_create(
            provider=provider,
            day=day,
            defaults={
                "ledger_count": len(ledger),
                "ledger_amount": _net(ledger),
                "provider_count": len(bill),
                "provider_amount": _net(bill),
                "mismatches": mismatches,
            },
        )
        audit.record(
            actor=actor,
            action="payments.reconciliation_run",
            obj=report,
            changes={"mismatches": len(mismatches), "replaced": not created},
        )
    if mismatches:
        logger.warning("reconciliation %s %s: %s mismatches", provider, day, len(mismatches))
    return report


def reconcile_day(day: dt.date) -> list[ReconciliationReport]:
    """Every enabled provider's report of `day`; a provider that fails is logged and skipped
    (the others still run), and raises at the end so the task is retried."""
    reports, failed = [], []
    for provider in available_providers():
        try:
            reports.append(reconciliation_run(provider=provider, day=day))
        except ProviderError:
            logger.exception("reconciliation of %s on %s failed", provider, day)
            failed.append(provider)
    if failed:
        raise ProviderError(f"reconciliation failed for {', '.join(failed)}", retryable=True)
    return reports


@shared_task(
    name=RECONCILE_TASK,
    autoretry_for=(ProviderError,),
    retry_backoff=600,
    max_retries=5,
    ignore_result=True,
)
def reconcile_yesterday() -> int:
    """Daily at 10:00 (bills of the previous day are ready by then): yesterday for every
    enabled provider; paid orders still without a receipt number get one."""
    from xiaoyou.payments.services.receipts import receipts_assign_missing

    receipts_assign_missing()
    day = timezone.localdate() - dt.timedelta(days=1)
    return len(reconcile_day(day))
