"""Reads of the payments console: orders in the user's scope, an order with what its page
shows, reconciliation reports, today's income. Policy scope is applied here, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from xiaoyou.core import policy
from xiaoyou.payments.models import (
    LedgerEntry,
    LedgerKind,
    NotificationLog,
    PaymentOrder,
    ReconciliationReport,
)


def orders_visible_to(user: Any) -> QuerySet[PaymentOrder]:
    """Orders of the organizations the user administers (all for platform operators)."""
    queryset = PaymentOrder.objects.select_related("org", "payer", "payable_type")
    return policy.scoped(queryset, user, "view")


def order_for_console(user: Any, pk: int) -> PaymentOrder | None:
    return orders_visible_to(user).filter(pk=pk).first()


def order_ledger(order: PaymentOrder) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(order=order).select_related("refund")


def order_notifications(order: PaymentOrder) -> QuerySet[NotificationLog]:
    # Refused notifications may not have found the order: they are matched by number too.
    return NotificationLog.objects.filter(out_trade_no=order.out_trade_no)


def reports_visible_to(user: Any) -> QuerySet[ReconciliationReport]:
    if not policy.can(user, "view", ReconciliationReport):
        return ReconciliationReport.objects.none()
    return ReconciliationReport.objects.all()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of `day` in the site's time zone (Asia/Shanghai), as aware times."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def income_on(request: HttpRequest, day: dt.date | None = None) -> int:
    """Net fen received on `day` (payments less refunds) by the console's current organization
    and below, within the user's scope."""
    from xiaoyou.console.context import in_current_org

    start, end = day_bounds(day or timezone.localdate())
    orders = in_current_org(orders_visible_to(request.user), request)
    total = LedgerEntry.objects.filter(
        order__in=orders.values("pk"),
        kind__in=(LedgerKind.PAID, LedgerKind.REFUNDED),
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)
