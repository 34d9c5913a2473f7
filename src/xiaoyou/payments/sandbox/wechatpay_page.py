"""The WeChat Pay sandbox's pay page and its daily trade bill text."""

from __future__ import annotations

import datetime as dt
import secrets
from html import escape
from typing import Any

from xiaoyou.payments.providers.wechatpay_crypto import (
    BILL_HEADER,
    BILL_SUMMARY_HEADER,
    fen_to_yuan,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def now() -> str:
    return dt.datetime.now(SHANGHAI).isoformat(timespec="seconds")


def new_transaction_id() -> str:
    return "42000" + "".join(str(secrets.randbelow(10)) for _ in range(23))


TRADE_TYPES = {"jsapi": "JSAPI", "h5": "MWEB", "native": "NATIVE"}

_STYLE = """
body{font-family:sans-serif;margin:0;background:#f2f2f2;color:#111}
.band{background:#c00;color:#fff;padding:.6em;text-align:center;font-weight:bold}
main{max-width:26em;margin:1.5em auto;background:#fff;padding:1.5em;border-radius:6px}
.amount{font-size:2em;margin:.4em 0}
button{display:block;width:100%;padding:.9em;margin:.6em 0;font-size:1.1em;border:0;
border-radius:4px;cursor:pointer}
.pay{background:#07c160;color:#fff}.cancel{background:#ddd;color:#111}
"""


def page(title: str, content: str) -> bytes:
    return (
        "<!doctype html><html lang='zh-Hans'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)} — 沙箱 SANDBOX</title><style>{_STYLE}</style></head><body>"
        "<div class='band' data-sandbox>沙箱 SANDBOX — 模拟微信支付，不会扣款 · "
        "simulated WeChat Pay, no real money</div>"
        f"<main>{content}</main></body></html>"
    ).encode()


def pay_page(order: dict[str, Any], prepay_id: str, redirect_url: str) -> bytes:
    yuan = fen_to_yuan(order["amount"]["total"])
    if order["trade_state"] != "NOTPAY":
        return status_page(order, redirect_url)
    hidden = f"<input type='hidden' name='redirect_url' value='{escape(redirect_url)}'>"
    return page(
        "微信支付 WeChat Pay",
        f"<h1>微信支付 WeChat Pay</h1><p>{escape(order['description'])}</p>"
        f"<p class='amount' data-amount>¥{yuan}</p>"
        f"<p>商户号 mchid {escape(order['mchid'])} · {escape(order['out_trade_no'])}</p>"
        f"<form method='post' action='/sandbox/pay/{escape(prepay_id)}'>{hidden}"
        f"<button id='sandbox-pay' class='pay' name='action' value='pay'>支付 Pay ¥{yuan}</button>"
        "<button id='sandbox-cancel' class='cancel' name='action' value='cancel'>取消 Cancel</button></form>",
    )


def status_page(order: dict[str, Any], redirect_url: str) -> bytes:
    labels = {
        "SUCCESS": "支付成功 Paid",
        "REFUND": "支付成功（已退款） Paid, refunded",
        "CLOSED": "订单已关闭 Order closed",
        "NOTPAY": "未支付 Not paid",
    }
    link = f"<p><a href='{escape(redirect_url)}'>返回商户 Back</a></p>" if redirect_url else ""
    return page(
        "微信支付 WeChat Pay",
        f"<h1 data-state='{escape(order['trade_state'])}'>"
        f"{labels.get(order['trade_state'], order['trade_state'])}</h1>"
        f"<p>{escape(order['out_trade_no'])}</p>{link}",
    )


def bill_text(
    day: dt.date,
    mchid: str,
    appid: str,
    orders: list[dict[str, Any]],
    refunds: list[dict[str, Any]],
) -> str | None:
    """The ALL trade bill of `day` (Asia/Shanghai), or None when nothing happened that day."""

    def on_day(value: str | None) -> bool:
        return (
            bool(value) and dt.datetime.fromisoformat(str(value)).astimezone(SHANGHAI).date() == day
        )

    def when(value: str) -> str:
        return dt.datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")

    rows, paid_total, refund_total = [], 0, 0
    for order in orders:
        if not on_day(order.get("success_time")):
            continue
        total = order["amount"]["total"]
        paid_total += total
        rows.append(
            [
                when(order["success_time"]),
                appid,
                mchid,
                "0",
                "",
                order["transaction_id"],
                order["out_trade_no"],
                order.get("openid", ""),
                TRADE_TYPES[order["channel"]],
                "SUCCESS",
                "OTHERS",
                "CNY",
                fen_to_yuan(total),
                "0.00",
                "0",
                "0",
                "0.00",
                "0.00",
                "",
                "",
                order["description"],
                "",
                "0.00",
                "0.60%",
                fen_to_yuan(total),
                "0.00",
                "",
            ]
        )
    for refund in refunds:
        if refund["status"] != "SUCCESS" or not on_day(refund.get("success_time")):
            continue
        order = refund["order"]
        amount = refund["amount"]["refund"]
        refund_total += amount
        rows.append(
            [
                when(refund["success_time"]),
                appid,
                mchid,
                "0",
                "",
                order["transaction_id"],
                order["out_trade_no"],
                order.get("openid", ""),
                TRADE_TYPES[order["channel"]],
                "REFUND",
                "OTHERS",
                "CNY",
                "0.00",
                "0.00",
                refund["refund_id"],
                refund["out_refund_no"],
                fen_to_yuan(amount),
                "0.00",
                "ORIGINAL",
                "SUCCESS",
                order["description"],
                "",
                "0.00",
                "0.60%",
                "0.00",
                fen_to_yuan(amount),
                "",
            ]
        )
    if not rows:
        return None
    lines = [BILL_HEADER] + [",".join(f"`{value}" for value in row) for row in rows]
    summary = [
        str(len(rows)),
        fen_to_yuan(paid_total),
        fen_to_yuan(refund_total),
        "0.00",
        "0.00",
        fen_to_yuan(paid_total),
        fen_to_yuan(refund_total),
    ]
    lines += [BILL_SUMMARY_HEADER, ",".join(f"`{value}" for value in summary)]
    return "\r\n".join(lines) + "\r\n"
