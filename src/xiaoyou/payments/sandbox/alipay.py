"""Alipay sandbox (沙箱): a local emulator of the open-platform gateway, for tests and the demo.

It has its own generated Alipay key pair and knows the app's public key. Every request's RSA2
signature is verified (refused with Alipay's codes: isv.invalid-signature, isv.invalid-app-id,
isv.missing-method ...) and every answer is signed. A GET of the gateway for page/wap pay shows a
cashier page clearly labelled as a sandbox; "Pay" marks the trade paid, POSTs a signed form
notification to notify_url and redirects to return_url with the signed synchronous parameters.
Test helpers send the bad notifications a real gateway (or an attacker) may send: duplicates,
out of order, late after close, forged, wrong amount, wrong app_id / seller_id. No money moves.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from xiaoyou.core.emulation import Emulator, Request, Response
from xiaoyou.payments.providers import alipay_sign as fmt
from xiaoyou.payments.sandbox.alipay_notify import (
    BUYER_ID,
    AlipayNotifications,
    Trade,
    _now,
    _now_text,
)

APP_ID = "2021000149600001"
SELLER_ID = "2088721000000001"
INVALID = {"code": "40002", "msg": "Invalid Arguments"}
BUSINESS = {"code": "40004", "msg": "Business Failed"}


class AlipaySandbox(AlipayNotifications, Emulator):
    """`AlipaySandbox(app_public_key=...)`, or without it a generated app key pair too
    (`app_private_key`); `provider_config()` gives the adapter's keyword arguments."""

    def __init__(
        self,
        port: int = 0,
        *,
        app_id: str = APP_ID,
        seller_id: str = SELLER_ID,
        app_public_key: str | None = None,
        key_dir: Path | None = None,
    ) -> None:
        super().__init__(port)
        self.app_id = app_id
        self.seller_id = seller_id
        keys = _load_keys(key_dir) if key_dir else {}
        if not keys:
            keys["alipay_private"], keys["alipay_public"] = fmt.generate_key_pair()
            keys["app_private"], keys["app_public"] = fmt.generate_key_pair()
            if key_dir:
                _save_keys(key_dir, keys)
        self.alipay_private_key = keys["alipay_private"]
        self.alipay_public_key = keys["alipay_public"]
        self.app_private_key = keys["app_private"]
        self.app_public_key = app_public_key or keys["app_public"]
        self._signer = fmt.private_key(self.alipay_private_key)
        self._app_key = fmt.public_key(self.app_public_key)
        self.key_dir = key_dir
        self.trades: dict[str, Trade] = {}
        self.deliveries: list[dict[str, Any]] = []  # every notification sent and the reply
        self._bills: dict[str, bytes] = {}

    @property
    def gateway(self) -> str:
        return f"{self.url}/gateway.do"

    def provider_config(self, **extra: Any) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "seller_id": self.seller_id,
            "app_private_key": self.app_private_key,
            "alipay_public_key": self.alipay_public_key,
            "gateway": self.gateway,
            "timeout": 5,
            **extra,
        }

    def describe(self) -> list[str]:
        lines = ["PAYMENTS_SANDBOX=true  (the settings then use the values below)"]
        lines += [f"ALIPAY_GATEWAY={self.gateway}", f"ALIPAY_APP_ID={self.app_id}"]
        lines.append(f"ALIPAY_SELLER_ID={self.seller_id}")
        if self.key_dir:
            lines.append(f"ALIPAY_APP_PRIVATE_KEY_FILE={self.key_dir / 'app_private.pem'}")
            lines.append(f"ALIPAY_PUBLIC_KEY_FILE={self.key_dir / 'alipay_public.pem'}")
        return lines

    # --- dispatch -----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/gateway.do":
            params = dict(request.query)
            if request.method == "POST" and request.body:
                params.update(request.form())
            if request.method == "GET" or params.get("method", "").endswith(".pay"):
                return self._cashier(params)
            return self._api(params)
        if request.path.startswith("/cashier/") and request.method == "POST":
            return self._cashier_action(request.path.removeprefix("/cashier/"), request.form())
        if request.path.startswith("/bill/") and request.path in self._bills:
            return Response(200, self._bills[request.path], {"Content-Type": "application/zip"})
        return Response(404, b"not found")

    def _check(self, params: dict[str, str]) -> dict[str, str] | None:
        """The gateway checks, in Alipay's order; an error node, or None when all pass."""
        if not params.get("app_id"):
            return {**INVALID, "sub_code": "isv.missing-app-id", "sub_msg": "缺少AppID参数"}
        if params["app_id"] != self.app_id:
            return {**INVALID, "sub_code": "isv.invalid-app-id", "sub_msg": "无效的AppID参数"}
        if not params.get("method"):
            return {**INVALID, "sub_code": "isv.missing-method", "sub_msg": "缺少方法名参数"}
        if params.get("sign_type") != "RSA2":
            return {**INVALID, "sub_code": "isv.invalid-signature-type", "sub_msg": "无效签名类型"}
        if not params.get("sign"):
            return {**INVALID, "sub_code": "isv.missing-signature", "sub_msg": "缺少签名参数"}
        if fmt.parse_time(params.get("timestamp", "")) is None:
            return {**INVALID, "sub_code": "isv.invalid-timestamp", "sub_msg": "非法的时间戳参数"}
        content = fmt.sign_content(params)
        if not fmt.rsa2_verify(content, params["sign"], self._app_key):
            return {
                **INVALID,
                "sub_code": "isv.invalid-signature",
                "sub_msg": f"验签出错，网关生成的验签字符串为：{content}",
            }
        return None

    def _answer(self, method: str, node: dict[str, str]) -> Response:
        key = fmt.response_key(method) if method else "error_response"
        body = fmt.response_body(key, node, self._signer)
        return Response(200, body.encode("utf-8"), {"Content-Type": "text/html;charset=utf-8"})

    # --- cashier ------------------------------------------------------------------------------

    def _cashier(self, params: dict[str, str]) -> Response:
        error = self._check(params)
        if error is not None:
            page = f"<h1>沙箱 SANDBOX</h1><p>错误代码 {html.escape(error['sub_code'])}</p>"
            return _html(page, status=400)
        biz = json.loads(params.get("biz_content") or "{}")
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            trade = Trade(
                out_trade_no=biz["out_trade_no"],
                total_amount=biz["total_amount"],
                subject=biz.get("subject", ""),
                notify_url=params.get("notify_url", ""),
                return_url=params.get("return_url", ""),
                trade_no=_now().strftime("%Y%m%d") + "2200" + secrets.token_hex(6)[:12],
                gmt_create=_now_text(),
            )
            self.trades[trade.out_trade_no] = trade
        elif trade.status != "WAIT_BUYER_PAY":
            return _html("<h1>沙箱 SANDBOX</h1><p>ACQ.TRADE_HAS_SUCCESS / TRADE_CLOSED</p>", 400)
        amount = html.escape(trade.total_amount)
        action = f"/cashier/{html.escape(trade.out_trade_no)}"
        page = (
            '<div style="border:4px dashed #c00;padding:1em;font-family:sans-serif">'
            '<h1 style="color:#c00">支付宝 沙箱 SANDBOX</h1>'
            "<p>This is a local sandbox: no real money moves. 本页面为沙箱，不会真实扣款。</p>"
            f"<p>{html.escape(trade.subject)}</p><p>¥{amount}</p>"
            f'<form method="post" action="{action}">'
            f'<button name="action" value="pay" id="sandbox-pay">Pay ¥{amount} 确认付款</button> '
            '<button name="action" value="cancel" id="sandbox-cancel">Cancel 取消</button>'
            "</form></div>"
        )
        return _html(page)

    def _cashier_action(self, out_trade_no: str, form: dict[str, str]) -> Response:
        trade = self.trades.get(out_trade_no)
        if trade is None:
            return Response(404, b"no such trade")
        if form.get("action") != "pay" or trade.status != "WAIT_BUYER_PAY":
            return Response.redirect(trade.return_url) if trade.return_url else _html("Cancelled")
        self._mark_paid(trade)
        with self._unlocked():
            self.send_notification(out_trade_no)
        if not trade.return_url:
            return _html("<h1>沙箱 SANDBOX</h1><p>Paid 支付成功</p>")
        sync = {
            "app_id": self.app_id,
            "auth_app_id": self.app_id,
            "charset": "utf-8",
            "method": "alipay.trade.page.pay.return",
            "out_trade_no": trade.out_trade_no,
            "seller_id": self.seller_id,
            "timestamp": _now_text(),
            "total_amount": trade.total_amount,
            "trade_no": trade.trade_no,
            "version": "1.0",
        }
        sync["sign"] = fmt.rsa2_sign(fmt.sign_content(sync), self._signer)
        sync["sign_type"] = "RSA2"
        separator = "&" if "?" in trade.return_url else "?"
        return Response.redirect(f"{trade.return_url}{separator}{urlencode(sync)}")

    @contextmanager
    def _unlocked(self) -> Iterator[None]:
        """Lets other requests in while this one calls out (the app may call back)."""
        self.lock.release()
        try:
            yield
        finally:
            self.lock.acquire()

    # --- API ----------------------------------------------------------------------------------

    def _api(self, params: dict[str, str]) -> Response:
        method = params.get("method", "")
        error = self._check(params)
        if error is not None:
            return self._answer(method, error)
        handlers = {
            "alipay.trade.query": self._query,
            "alipay.trade.close": self._close,
            "alipay.trade.refund": self._refund,
            "alipay.trade.fastpay.refund.query": self._refund_query,
            "alipay.data.dataservice.bill.downloadurl.query": self._bill_url,
        }
        if method not in handlers:
            return self._answer("", {**INVALID, "sub_code": "isv.invalid-method"})
        biz = json.loads(params.get("biz_content") or "{}")
        if method != "alipay.data.dataservice.bill.downloadurl.query":
            trade = self.trades.get(biz.get("out_trade_no", ""))
            if trade is None:
                node = {**BUSINESS, "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}
                return self._answer(method, node)
            return self._answer(method, handlers[method](biz, trade))
        return self._answer(method, self._bill_url(biz, None))

    def _query(self, biz: dict[str, Any], trade: Trade) -> dict[str, Any]:
        node = {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "trade_status": trade.status,
            "total_amount": trade.total_amount,
        }
        if trade.gmt_payment:
            node.update(send_pay_date=trade.gmt_payment, buyer_user_id=BUYER_ID)
            node["buyer_pay_amount"] = trade.total_amount
        return node

    def _close(self, biz: dict[str, Any], trade: Trade) -> dict[str, Any]:
        if trade.status != "WAIT_BUYER_PAY":
            return {**BUSINESS, "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}
        trade.status, trade.gmt_close = "TRADE_CLOSED", _now_text()
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
        }

    def _refund(self, biz: dict[str, Any], trade: Trade) -> dict[str, Any]:
        number = str(biz.get("out_request_no") or trade.out_trade_no)
        done = trade.refunds.get(number)
        base = {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_user_id": BUYER_ID,
        }
        if done is not None:  # the same request again: nothing moves this time
            return {**base, "fund_change": "N", "refund_fee": _yuan(trade.refunded_fen)}
        if trade.status not in ("TRADE_SUCCESS",):
            return {**BUSINESS, "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"}
        try:
            amount = fmt.yuan_to_fen(str(biz.get("refund_amount", "")))
        except ValueError:
            return {**INVALID, "sub_code": "isv.invalid-parameter", "sub_msg": "refund_amount"}
        if amount <= 0 or trade.refunded_fen + amount > fmt.yuan_to_fen(trade.total_amount):
            return {
                **BUSINESS,
                "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                "sub_msg": "退款金额超限",
            }
        trade.refunds[number] = {"refund_amount": _yuan(amount), "gmt_refund_pay": _now_text()}
        if trade.refunded_fen == fmt.yuan_to_fen(trade.total_amount):
            trade.status, trade.gmt_close = "TRADE_CLOSED", _now_text()
        return {
            **base,
            "fund_change": "Y",
            "refund_fee": _yuan(trade.refunded_fen),
            "gmt_refund_pay": trade.refunds[number]["gmt_refund_pay"],
        }

    def _refund_query(self, biz: dict[str, Any], trade: Trade) -> dict[str, Any]:
        number = str(biz.get("out_request_no") or trade.out_trade_no)
        done = trade.refunds.get(number)
        if done is None:  # Alipay answers success without data for an unknown refund
            return {"code": "10000", "msg": "Success"}
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "out_request_no": number,
            "total_amount": trade.total_amount,
            "refund_amount": done["refund_amount"],
            "refund_status": "REFUND_SUCCESS",
            **done,
        }

    def _bill_url(self, biz: dict[str, Any], trade: Trade | None) -> dict[str, Any]:
        if biz.get("bill_type") != "trade":
            return {**INVALID, "sub_code": "isv.invalid-parameter", "sub_msg": "bill_type"}
        try:
            day = dt.date.fromisoformat(str(biz.get("bill_date", "")))
        except ValueError:
            return {**BUSINESS, "sub_code": "isp.bill_not_exist", "sub_msg": "账单不存在"}
        path = f"/bill/{secrets.token_hex(8)}.csv.zip"
        self._bills[path] = self.bill_zip(day)
        return {"code": "10000", "msg": "Success", "bill_download_url": f"{self.url}{path}"}

    def bill_zip(self, day: dt.date) -> bytes:
        rows = []
        for trade in self.trades.values():
            paid = fmt.parse_time(trade.gmt_payment)
            if paid and paid.date() == day:
                rows.append(_bill_row(trade, "交易", trade.total_amount, trade.gmt_payment))
            for number, refund in trade.refunds.items():
                moment = fmt.parse_time(refund["gmt_refund_pay"])
                if moment and moment.date() == day:
                    row = _bill_row(trade, "退款", "-" + refund["refund_amount"], moment)
                    rows.append({**row, "退款批次号/请求号": number})
        return fmt.bill_zip(seller_id=self.seller_id, day=day, rows=rows)


def demo_sandbox(port: int) -> AlipaySandbox:
    """The demo's sandbox: keys kept under var/payments-sandbox/alipay/ (the settings read the
    app's private key and the sandbox's public key from there with PAYMENTS_SANDBOX=true)."""
    from django.conf import settings

    return AlipaySandbox(port, key_dir=sandbox_key_dir(Path(settings.VAR_DIR)))


def sandbox_key_dir(var_dir: Path) -> Path:
    return var_dir / "payments-sandbox" / "alipay"


_KEY_FILES = ("alipay_private", "alipay_public", "app_private", "app_public")


def _load_keys(key_dir: Path) -> dict[str, str]:
    paths = {name: key_dir / f"{name}.pem" for name in _KEY_FILES}
    if not all(path.exists() for path in paths.values()):
        return {}
    return {name: path.read_text(encoding="ascii") for name, path in paths.items()}


def _save_keys(key_dir: Path, keys: dict[str, str]) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    for name in _KEY_FILES:
        path = key_dir / f"{name}.pem"
        path.write_text(keys[name], encoding="ascii")
        if "private" in name:
            path.chmod(0o600)


def _bill_row(trade: Trade, kind: str, amount: str, moment: Any) -> dict[str, str]:
    finished = moment if isinstance(moment, str) else fmt.format_time(moment)
    return {
        "支付宝交易号": trade.trade_no,
        "商户订单号": trade.out_trade_no,
        "业务类型": kind,
        "商品名称": trade.subject,
        "创建时间": trade.gmt_create,
        "完成时间": finished,
        "对方账户": "沙箱买家 (sandbox buyer)",
        "订单金额（元）": trade.total_amount,
        "商家实收（元）": amount,
    }


def _yuan(fen: int) -> str:
    return fmt.fen_to_yuan(fen)


def _html(body: str, status: int = 200) -> Response:
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>支付宝 沙箱 SANDBOX</title></head><body>" + body + "</body></html>"
    )
    return Response(status, page.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
