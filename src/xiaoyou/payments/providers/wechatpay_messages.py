"""WeChat Pay v3 messages (query answers, notification resources) as our provider states."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xiaoyou.payments.providers.base import PaymentState, RefundState

TRADE_STATES = {
    "SUCCESS": "paid",
    "REFUND": "paid",  # paid, then (partly) refunded: refunds are tracked one by one
    "NOTPAY": "pending",
    "USERPAYING": "pending",
    "CLOSED": "closed",
    "REVOKED": "closed",
    "PAYERROR": "failed",
}
REFUND_STATES = {
    "SUCCESS": "succeeded",
    "PROCESSING": "processing",
    "CLOSED": "failed",
    "ABNORMAL": "failed",
}


def parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def payment_state(data: dict[str, Any]) -> PaymentState:
    amount = data.get("amount") or {}
    state = TRADE_STATES.get(data.get("trade_state", ""), "pending")
    return PaymentState(
        out_trade_no=data["out_trade_no"],
        state=state,
        amount=int(amount.get("total", 0)),
        currency=amount.get("currency", "CNY"),
        provider_trade_no=data.get("transaction_id", ""),
        paid_at=parse_time(data.get("success_time")),
        payer_account=(data.get("payer") or {}).get("openid", ""),
        raw={
            key: data.get(key)
            for key in ("trade_state", "trade_type", "transaction_id", "bank_type")
            if data.get(key)
        }
        | {"payer_total": amount.get("payer_total"), "total": amount.get("total")},
    )


def refund_state(data: dict[str, Any]) -> RefundState:
    status = data.get("status") or data.get("refund_status") or ""
    amount = data.get("amount") or {}
    return RefundState(
        out_refund_no=data["out_refund_no"],
        state=REFUND_STATES.get(status, "processing"),
        amount=int(amount.get("refund", 0)),
        out_trade_no=data.get("out_trade_no", ""),
        provider_refund_no=data.get("refund_id", ""),
        finished_at=parse_time(data.get("success_time")),
        failure="" if status in ("SUCCESS", "PROCESSING") else status,
        raw={"status": status, "user_received_account": data.get("user_received_account")},
    )
