"""Offline adapter (线下支付): bank transfer or cash. No gateway: the "start" gives the payer
instructions (the association's account and the order number to write in the transfer note);
staff record the money with evidence (services/offline.py) and another admin approves it in
the review queue. Refunds are paid back by hand, so they succeed as soon as staff record them.

Settings (PAYMENTS_PROVIDERS["offline"]): payee, bank, account, note (all optional text).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.payments.providers.base import (
    BillLine,
    InvalidNotification,
    ParsedNotification,
    PaymentState,
    RefundState,
    StartContext,
    StartResult,
    register_provider,
)

if TYPE_CHECKING:
    from xiaoyou.payments.models import PaymentOrder, PaymentRefund


@register_provider
class OfflineProvider:
    name: ClassVar[str] = "offline"
    channels: ClassVar[tuple[str, ...]] = ("transfer", "cash")
    max_refund_days: ClassVar[int] = 0  # no provider window: staff pay back by hand

    def __init__(self, *, payee: str = "", bank: str = "", account: str = "", note: str = ""):
        self.payee = payee
        self.bank = bank
        self.account = account
        self.note = note

    def start(self, order: PaymentOrder, *, channel: str, context: StartContext) -> StartResult:
        amount = f"{order.amount // 100}.{order.amount % 100:02d}"
        if channel == "cash":
            lines = [
                gettext("Please pay %(amount)s yuan in cash at the association's office.")
                % {"amount": amount},
                gettext("Give the order number %(number)s; staff will record your payment.")
                % {"number": order.out_trade_no},
            ]
        else:
            lines = [
                gettext("Please transfer %(amount)s yuan to:") % {"amount": amount},
                gettext("Account name: %(payee)s") % {"payee": self.payee or "—"},
                gettext("Bank: %(bank)s") % {"bank": self.bank or "—"},
                gettext("Account number: %(account)s") % {"account": self.account or "—"},
                gettext("Write the order number %(number)s in the transfer note.")
                % {"number": order.out_trade_no},
                gettext("Staff confirm your payment once the transfer has arrived."),
            ]
        if self.note:
            lines.append(self.note)
        return StartResult(instructions="\n".join(lines))

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> ParsedNotification:
        raise InvalidNotification("offline payments have no notifications")

    def notification_reply(self, *, accepted: bool) -> HttpResponse:
        return HttpResponse(status=204 if accepted else 400)

    def query(self, order: PaymentOrder) -> PaymentState:
        state = "paid" if order.paid_at else ("closed" if order.status == "closed" else "pending")
        return PaymentState(
            out_trade_no=order.out_trade_no,
            state=state,
            amount=order.amount,
            currency=order.currency,
            provider_trade_no=order.provider_trade_no,
            paid_at=order.paid_at,
        )

    def close(self, order: PaymentOrder) -> None:
        return None

    def refund(self, refund: PaymentRefund) -> RefundState:
        return RefundState(
            out_refund_no=refund.out_refund_no,
            state="succeeded",
            amount=refund.amount,
            out_trade_no=refund.order.out_trade_no,
            provider_refund_no=f"offline-{refund.pk}",
            finished_at=timezone.now(),
        )

    def query_refund(self, refund: PaymentRefund) -> RefundState:
        return self.refund(refund)

    def bill(self, day: dt.date) -> list[BillLine]:
        """The approved offline payments of `day` (their evidence is the statement)."""
        from xiaoyou.payments.models import LedgerEntry, LedgerKind

        lines = []
        entries = LedgerEntry.objects.filter(
            order__provider=self.name,
            kind__in=[LedgerKind.PAID, LedgerKind.REFUNDED],
            created_at__date=day,
        ).select_related("order", "refund")
        for entry in entries:
            lines.append(
                BillLine(
                    out_trade_no=entry.order.out_trade_no,
                    kind="payment" if entry.kind == LedgerKind.PAID else "refund",
                    amount=abs(entry.amount),
                    provider_reference=entry.provider_reference,
                    out_refund_no=entry.refund.out_refund_no if entry.refund else "",
                )
            )
        return lines
