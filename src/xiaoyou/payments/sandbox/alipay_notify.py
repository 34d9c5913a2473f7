"""The notifications side of the Alipay sandbox: the signed form Alipay POSTs to notify_url,
and helpers that send the bad cases (duplicates, out of order, late after close, forged, wrong
amount, wrong app_id / seller_id). Mixed into AlipaySandbox."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from xiaoyou.payments.providers import alipay_sign as fmt

BUYER_ID = "2088102000000042"


@dataclass
class Trade:
    out_trade_no: str
    total_amount: str
    subject: str
    notify_url: str
    return_url: str
    trade_no: str
    status: str = "WAIT_BUYER_PAY"
    gmt_create: str = ""
    gmt_payment: str = ""
    gmt_close: str = ""
    refunds: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def refunded_fen(self) -> int:
        return sum(fmt.yuan_to_fen(r["refund_amount"]) for r in self.refunds.values())


class AlipayNotifications:
    app_id: str
    seller_id: str
    trades: dict[str, Trade]
    deliveries: list[dict[str, Any]]
    lock: threading.Lock
    _signer: Any

    def _mark_paid(self, trade: Trade) -> None:
        trade.status = "TRADE_SUCCESS"
        trade.gmt_payment = _now_text()

    def notification(
        self, out_trade_no: str, *, forge: bool = False, **overrides: str
    ) -> dict[str, str]:
        """The signed form Alipay POSTs for this trade now; overrides are signed too; `forge`
        signs it with some other key (as an attacker would)."""
        trade = self.trades[out_trade_no]
        fields = {
            "notify_time": _now_text(),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": self.app_id,
            "auth_app_id": self.app_id,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_id": BUYER_ID,
            "seller_id": self.seller_id,
            "trade_status": trade.status,
            "total_amount": trade.total_amount,
            "receipt_amount": trade.total_amount,
            "buyer_pay_amount": trade.total_amount,
            "subject": trade.subject,
            "gmt_create": trade.gmt_create,
            "gmt_payment": trade.gmt_payment,
            "gmt_close": trade.gmt_close,
        }
        fields.update(overrides)
        fields = {k: v for k, v in fields.items() if v != ""}
        signer = fmt.private_key(fmt.generate_key_pair()[0]) if forge else self._signer
        fields["sign"] = fmt.rsa2_sign(fmt.sign_content(fields), signer)
        fields["sign_type"] = "RSA2"
        return fields

    def notification_body(self, out_trade_no: str, **options: Any) -> bytes:
        return urlencode(self.notification(out_trade_no, **options)).encode("utf-8")

    def send_notification(
        self, out_trade_no: str, *, times: int = 1, forge: bool = False, **overrides: str
    ) -> list[str]:
        """POSTs the notification `times` times to the trade's notify_url; the replies."""
        fields = self.notification(out_trade_no, forge=forge, **overrides)
        url = self.trades[out_trade_no].notify_url
        replies = []
        for _ in range(times):
            try:
                response = httpx.post(
                    url,
                    content=urlencode(fields).encode("utf-8"),
                    headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                    timeout=10,
                )
                reply = response.text
            except httpx.HTTPError as exc:
                reply = f"error: {exc}"
            self.deliveries.append({"out_trade_no": out_trade_no, "fields": fields, "reply": reply})
            replies.append(reply)
        return replies

    # Helpers for the bad cases (each returns the app's replies).

    def pay(self, out_trade_no: str, *, notify: bool = True) -> list[str]:
        with self.lock:
            self._mark_paid(self.trades[out_trade_no])
        return self.send_notification(out_trade_no) if notify else []

    def notify_duplicates(self, out_trade_no: str, times: int = 10) -> list[str]:
        return self.send_notification(out_trade_no, times=times)

    def notify_out_of_order(self, out_trade_no: str) -> list[str]:
        """A WAIT_BUYER_PAY that arrives after TRADE_SUCCESS."""
        return self.send_notification(out_trade_no, trade_status="WAIT_BUYER_PAY", gmt_payment="")

    def notify_late_after_close(self, out_trade_no: str) -> list[str]:
        """The buyer's payment went through at Alipay although the order was closed on our
        side (a race at the cashier): the trade is paid and its TRADE_SUCCESS arrives late."""
        trade = self.trades[out_trade_no]
        with self.lock:
            trade.status, trade.gmt_close = "TRADE_SUCCESS", ""
            trade.gmt_payment = trade.gmt_payment or _now_text()
        return self.send_notification(
            out_trade_no, trade_status="TRADE_SUCCESS", gmt_payment=trade.gmt_payment
        )

    def notify_forged(self, out_trade_no: str) -> list[str]:
        return self.send_notification(out_trade_no, forge=True, trade_status="TRADE_SUCCESS")

    def notify_wrong_amount(self, out_trade_no: str, total_amount: str = "0.01") -> list[str]:
        return self.send_notification(
            out_trade_no, trade_status="TRADE_SUCCESS", total_amount=total_amount
        )

    def notify_wrong_app_id(self, out_trade_no: str) -> list[str]:
        return self.send_notification(
            out_trade_no, trade_status="TRADE_SUCCESS", app_id="2021009999999999"
        )

    def notify_wrong_seller_id(self, out_trade_no: str) -> list[str]:
        return self.send_notification(
            out_trade_no, trade_status="TRADE_SUCCESS", seller_id="2088999999999999"
        )


def _now() -> dt.datetime:
    return dt.datetime.now(tz=fmt.SHANGHAI)


def _now_text() -> str:
    return fmt.format_time(_now())
