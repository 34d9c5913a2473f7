"""FakeProvider: a TEST DOUBLE of the PaymentProvider interface, registered only by the tests
(as "fake"), for the core rules where no sandbox is involved. Its "gateway" is a dict; its
notifications are JSON signed with HMAC-SHA256 (header X-Fake-Signature) and carry a merchant id
that parse_notification checks, like the real adapters do. The end-to-end tests against the
WeChat Pay and Alipay sandboxes live with those adapters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from xiaoyou.payments.providers.base import (
    BillLine,
    InvalidNotification,
    ParsedNotification,
    PaymentState,
    ProviderError,
    RefundState,
    StartContext,
    StartResult,
    register_provider,
)

SECRET = b"fake-provider-test-secret"
MERCHANT = "fake-mch-1"


@dataclass
class Gateway:
    """What the fake provider's server knows; tests change it to script situations."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    refund_calls: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    refund_timeouts: int = 0  # the next N refund calls time out (after being accepted)
    refund_state: str = "succeeded"  # or "processing"
    close_refuses: bool = False


GATEWAY = Gateway()


def reset() -> Gateway:
    global GATEWAY
    GATEWAY = Gateway()
    return GATEWAY


def sign(body: bytes) -> str:
    return hmac.new(SECRET, body, hashlib.sha256).hexdigest()


def payment_message(
    out_trade_no: str,
    amount: int,
    *,
    trade_no: str = "",
    currency: str = "CNY",
    merchant: str = MERCHANT,
    state: str = "paid",
) -> tuple[dict[str, str], bytes]:
    """A signed payment notification (headers, body)."""
    body = json.dumps(
        {
            "kind": "payment",
            "mchid": merchant,
            "out_trade_no": out_trade_no,
            "amount": amount,
            "currency": currency,
            "trade_no": trade_no or f"T{out_trade_no}",
            "state": state,
        }
    ).encode()
    return {"X-Fake-Signature": sign(body), "Content-Type": "application/json"}, body


def refund_message(out_refund_no: str, amount: int, *, state: str = "succeeded") -> tuple:
    body = json.dumps(
        {
            "kind": "refund",
            "mchid": MERCHANT,
            "out_refund_no": out_refund_no,
            "amount": amount,
            "state": state,
        }
    ).encode()
    return {"X-Fake-Signature": sign(body)}, body


@register_provider
class FakeProvider:
    name: ClassVar[str] = "fake"
    channels: ClassVar[tuple[str, ...]] = ("native", "h5", "jsapi", "page", "wap")
    max_refund_days: ClassVar[int] = 365

    def __init__(self, **config: Any) -> None:
        self.config = config

    def start(self, order: Any, *, channel: str, context: StartContext) -> StartResult:
        GATEWAY.orders[order.out_trade_no] = {
            "amount": order.amount,
            "state": "pending",
            "notify_url": context.notify_url,
        }
        if channel == "native":
            return StartResult(qr_code=f"fake://pay/{order.out_trade_no}")
        if channel == "jsapi":
            return StartResult(jsapi={"package": f"prepay_id={order.out_trade_no}"})
        return StartResult(redirect_url=f"http://127.0.0.1:9/fake/pay/{order.out_trade_no}")

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> ParsedNotification:
        signature = {key.lower(): value for key, value in headers.items()}.get("x-fake-signature")
        if not signature or not hmac.compare_digest(signature, sign(body)):
            raise InvalidNotification("bad signature")
        data = json.loads(body)
        if data.get("mchid") != MERCHANT:
            raise InvalidNotification("wrong merchant")
        if data["kind"] == "refund":
            return ParsedNotification(
                kind="refund",
                refund=RefundState(
                    out_refund_no=data["out_refund_no"],
                    state=data["state"],
                    amount=data["amount"],
                ),
            )
        return ParsedNotification(
            kind="payment",
            payment=PaymentState(
                out_trade_no=data["out_trade_no"],
                state=data["state"],
                amount=data["amount"],
                currency=data["currency"],
                provider_trade_no=data["trade_no"],
                paid_at=timezone.now(),
            ),
        )

    def notification_reply(self, *, accepted: bool) -> HttpResponse:
        if accepted:
            return HttpResponse(status=204)
        return JsonResponse({"code": "FAIL"}, status=400)

    def query(self, order: Any) -> PaymentState:
        known = GATEWAY.orders.get(order.out_trade_no, {"state": "closed", "amount": order.amount})
        return PaymentState(
            out_trade_no=order.out_trade_no,
            state=known["state"],
            amount=known["amount"],
            provider_trade_no=known.get("trade_no", ""),
        )

    def close(self, order: Any) -> None:
        if GATEWAY.close_refuses:
            raise ProviderError("ORDERPAID", code="ORDERPAID")
        GATEWAY.closed.append(order.out_trade_no)

    def refund(self, refund: Any) -> RefundState:
        GATEWAY.refund_calls.append(refund.out_refund_no)
        GATEWAY.refunds.setdefault(
            refund.out_refund_no, {"amount": refund.amount, "state": GATEWAY.refund_state}
        )
        if GATEWAY.refund_timeouts:
            GATEWAY.refund_timeouts -= 1
            raise ProviderError("timeout", retryable=True)
        return self.query_refund(refund)

    def query_refund(self, refund: Any) -> RefundState:
        known = GATEWAY.refunds[refund.out_refund_no]
        return RefundState(
            out_refund_no=refund.out_refund_no,
            state=known["state"],
            amount=known["amount"],
            provider_refund_no=f"RF-{refund.out_refund_no}",
        )

    def bill(self, day: dt.date) -> list[BillLine]:
        return []
