"""WeChat Pay API v3 sandbox: a local emulator of api.mch.weixin.qq.com for the tests and demo.

It holds its own platform key pair (public key id + a self-signed certificate served by
GET /v3/certificates) and knows the merchant's public key: every API request must carry a valid
WECHATPAY2-SHA256-RSA2048 signature (else 401 SIGN_ERROR, like the real API) and every answer
is signed. Orders (jsapi/h5/native) are kept in memory; /sandbox/pay/<prepay_id> is the pay
page behind h5_url and code_url (labelled 沙箱 SANDBOX); paying sends a signed, encrypted
TRANSACTION.SUCCESS notification to the order's notify_url (retried on failure). Refunds succeed
at once or after `refund_delay` seconds, then REFUND.SUCCESS is sent. Test helpers send
duplicate, late, forged, wrong-amount and held-back (out-of-order) notifications.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from xiaoyou.core.emulation import Emulator, Request, Response
from xiaoyou.payments.providers import wechatpay_crypto as wx
from xiaoyou.payments.sandbox import wechatpay_page as pages
from xiaoyou.payments.sandbox.wechatpay_keys import SandboxCredentials, generate
from xiaoyou.payments.sandbox.wechatpay_notify import Delivery, Event, SandboxNotifications

_ORDER_PATH = re.compile(r"^/v3/pay/transactions/out-trade-no/([^/]+)(/close)?$")


def _now() -> str:
    return pages.now()


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"code": code, "message": message}


class WeChatPaySandbox(SandboxNotifications, Emulator):
    def __init__(
        self,
        port: int = 0,
        *,
        credentials: SandboxCredentials | None = None,
        refund_delay: float = 0.0,
        sign_with_certificate: bool = False,
    ) -> None:
        super().__init__(port)
        self.credentials = credentials or generate()
        self.refund_delay = refund_delay
        # Wechatpay-Serial names the certificate instead of the public key id
        self.sign_with_certificate = sign_with_certificate
        self._platform_key = wx.load_private_key(self.credentials.platform_private_key)
        self._merchant_key = wx.load_public_key(self.credentials.merchant_public_key)
        self.api_v3_key = self.credentials.api_v3_key.encode()
        self.orders: dict[str, dict[str, Any]] = {}
        self.prepay: dict[str, str] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.bills: dict[str, bytes] = {}
        self.deliveries: list[Delivery] = []
        self.rejected_requests = 0
        self.hold = False  # keep notifications back (release_notifications sends them)
        self.held: list[Event] = []

    def provider_config(self, notify_url: str = "") -> dict[str, Any]:
        return self.credentials.provider_config(self.url, notify_url)

    def describe(self) -> list[str]:
        c = self.credentials
        return [
            f"WECHATPAY_BASE_URL={self.url}  (mchid {c.mchid}, appid {c.appid})",
            "PAYMENTS_SANDBOX=true makes settings use these generated keys "
            "(var/payments-sandbox/wechatpay.json).",
            f"Pay pages: {self.url}/sandbox/pay/<prepay_id>",
        ]

    # --- signing --------------------------------------------------------------------------

    @property
    def serial(self) -> str:
        c = self.credentials
        return (
            c.platform_certificate_serial
            if self.sign_with_certificate
            else c.platform_public_key_id
        )

    def signed_headers(
        self, body: str, *, key: rsa.RSAPrivateKey | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        stamp, nonce = str(int(time.time()) if timestamp is None else timestamp), wx.nonce_str()
        signature = wx.rsa_sign(key or self._platform_key, wx.response_message(stamp, nonce, body))
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": self.serial,
            "Wechatpay-Signature-Type": wx.SCHEMA,
            "Request-ID": uuid.uuid4().hex,
        }

    def _answer(self, status: int, data: dict[str, Any] | None) -> Response:
        body = "" if data is None else json.dumps(data, ensure_ascii=False)
        headers = self.signed_headers(body)
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        return Response(status, body.encode("utf-8"), headers)

    def _authentic(self, request: Request) -> bool:
        fields = wx.parse_authorization(request.headers.get("Authorization", ""))
        c = self.credentials
        if fields.get("mchid") != c.mchid or fields.get("serial_no") != c.merchant_serial_no:
            return False
        if abs(time.time() - int(fields.get("timestamp") or 0)) > 300:
            return False
        url = request.path + (f"?{request.raw_query}" if request.raw_query else "")
        message = wx.request_message(
            request.method,
            url,
            fields["timestamp"],
            fields.get("nonce_str", ""),
            request.body.decode("utf-8"),
        )
        return wx.rsa_verify(self._merchant_key, message, fields.get("signature", ""))

    # --- dispatch -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/sandbox/pay/"):
            return self._pay_page(request, request.path.removeprefix("/sandbox/pay/"))
        if not self._authentic(request):
            self.rejected_requests += 1
            return self._answer(401, {"code": "SIGN_ERROR", "message": "签名错误"})
        if request.path == "/v3/billdownload/file":
            text = self.bills.get(request.query.get("token", ""))
            if text is None:
                return self._answer(404, {"code": "RESOURCE_NOT_EXISTS", "message": "账单不存在"})
            return Response(200, text, {"Content-Type": "text/plain; charset=utf-8"})
        status, data = self._route(request)
        return self._answer(status, data)

    def _route(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        method, path = request.method, request.path
        if method == "POST" and path.startswith("/v3/pay/transactions/") and path.count("/") == 4:
            return self._create(path.rsplit("/", 1)[1], request.json())
        match = _ORDER_PATH.match(path)
        if match:
            order = self.orders.get(match.group(1))
            mchid = request.json().get("mchid") if match.group(2) else request.query.get("mchid")
            if mchid != self.credentials.mchid:
                return _error(400, "PARAM_ERROR", "mchid 与请求不符")
            if order is None:
                return _error(404, "ORDER_NOT_EXIST", "订单不存在")
            if match.group(2):
                if order["trade_state"] in ("SUCCESS", "REFUND"):
                    return _error(400, "ORDERPAID", "订单已支付")
                order["trade_state"] = "CLOSED"
                return 204, None
            return 200, self._transaction(order)
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return self._refund(request.json())
        if method == "GET" and path.startswith("/v3/refund/domestic/refunds/"):
            refund = self.refunds.get(path.rsplit("/", 1)[1])
            if refund is None:
                return _error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return 200, self._refund_view(refund)
        if method == "GET" and path == "/v3/certificates":
            return 200, self._certificates()
        if method == "GET" and path == "/v3/bill/tradebill":
            return self._trade_bill(request.query.get("bill_date", ""))
        return _error(404, "NOT_FOUND", "接口不存在")

    # --- orders ---------------------------------------------------------------------------

    def _create(self, channel: str, data: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        c = self.credentials
        if channel not in pages.TRADE_TYPES:
            return _error(404, "NOT_FOUND", "接口不存在")
        if data.get("mchid") != c.mchid or data.get("appid") != c.appid:
            return _error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        amount = data.get("amount") or {}
        missing = [k for k in ("description", "out_trade_no", "notify_url") if not data.get(k)]
        if missing or int(amount.get("total") or 0) <= 0:
            return _error(400, "PARAM_ERROR", f"参数错误 {missing or 'amount.total'}")
        if channel == "jsapi" and not (data.get("payer") or {}).get("openid"):
            return _error(400, "PARAM_ERROR", "JSAPI 缺少 payer.openid")
        scene = data.get("scene_info") or {}
        if channel == "h5" and not (scene.get("payer_client_ip") and scene.get("h5_info")):
            return _error(400, "PARAM_ERROR", "H5 缺少 scene_info")
        existing = self.orders.get(data["out_trade_no"])
        if existing is not None:
            if existing["trade_state"] in ("SUCCESS", "REFUND"):
                return _error(400, "ORDERPAID", "订单已支付")
            if existing["trade_state"] == "CLOSED":
                return _error(400, "ORDER_CLOSED", "订单已关闭")
            if existing["amount"]["total"] != amount["total"]:
                return _error(400, "INVALID_REQUEST", "201 商户订单号重复")
            existing["channel"] = channel
            prepay_id = existing["prepay_id"]
        else:
            prepay_id = "wx" + secrets.token_hex(15)
            self.orders[data["out_trade_no"]] = {
                "mchid": c.mchid, "appid": c.appid, "out_trade_no": data["out_trade_no"],
                "description": data["description"], "notify_url": data["notify_url"],
                "channel": channel, "prepay_id": prepay_id, "trade_state": "NOTPAY",
                "amount": {"total": int(amount["total"]), "currency": amount.get("currency", "CNY")},
                "openid": (data.get("payer") or {}).get("openid", "") or "o" + secrets.token_hex(14),
                "transaction_id": "", "success_time": None,
            }  # fmt: skip
            self.prepay[prepay_id] = data["out_trade_no"]
        if channel == "jsapi":
            return 200, {"prepay_id": prepay_id}
        if channel == "h5":
            return 200, {
                "h5_url": f"{self.url}/sandbox/pay/{prepay_id}?package={secrets.randbelow(10**10)}"
            }
        return 200, {"code_url": f"{self.url}/sandbox/pay/{prepay_id}"}

    def _transaction(self, order: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        paid = order["trade_state"] in ("SUCCESS", "REFUND")
        total = order["amount"]["total"]
        data: dict[str, Any] = {
            "appid": order["appid"], "mchid": order["mchid"],
            "out_trade_no": order["out_trade_no"], "trade_type": pages.TRADE_TYPES[order["channel"]],
            "trade_state": order["trade_state"], "trade_state_desc": order["trade_state"],
            "amount": {"total": total, "currency": "CNY",
                       "payer_total": total if paid else 0, "payer_currency": "CNY"},
        }  # fmt: skip
        if paid:
            data |= {
                "transaction_id": order["transaction_id"],
                "bank_type": "OTHERS",
                "success_time": order["success_time"],
                "payer": {"openid": order["openid"]},
            }
        return data | overrides

    def _mark_paid(self, order: dict[str, Any]) -> bool:
        if order["trade_state"] != "NOTPAY":
            return False
        order["trade_state"] = "SUCCESS"
        order["success_time"] = _now()
        order["transaction_id"] = pages.new_transaction_id()
        return True

    def _pay_page(self, request: Request, prepay_id: str) -> Response:
        out_trade_no = self.prepay.get(prepay_id)
        if out_trade_no is None:
            return Response(404, pages.page("404", "<h1>prepay_id 不存在</h1>"))
        order = self.orders[out_trade_no]
        redirect_url = request.query.get("redirect_url", "")
        if request.method == "GET":
            return Response(200, pages.pay_page(order, prepay_id, redirect_url), _HTML)
        form = request.form()
        redirect_url = form.get("redirect_url", redirect_url)
        if form.get("action") == "pay" and self._mark_paid(order):
            # deliver before answering, so the merchant knows when the payer returns; the
            # emulator lock is released meanwhile: the merchant may query us in its handler
            event = self._payment_event(order)
            self.lock.release()
            try:
                self._deliver(*event, retry=True)
            finally:
                self.lock.acquire()
        if redirect_url:
            return Response.redirect(redirect_url)
        return Response(200, pages.status_page(order, ""), _HTML)

    # --- refunds --------------------------------------------------------------------------

    def _refund(self, data: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        order = self.orders.get(data.get("out_trade_no", ""))
        amount = data.get("amount") or {}
        if order is None:
            return _error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if order["trade_state"] not in ("SUCCESS", "REFUND"):
            return _error(400, "INVALID_REQUEST", "订单未支付")
        if int(amount.get("total") or 0) != order["amount"]["total"]:
            return _error(400, "PARAM_ERROR", "订单金额与原订单不符")
        existing = self.refunds.get(data.get("out_refund_no", ""))
        if existing is not None:  # the same out_refund_no is the same refund
            if existing["amount"]["refund"] != amount.get("refund"):
                return _error(400, "INVALID_REQUEST", "退款单号重复，金额不一致")
            return 200, self._refund_view(existing)
        refunded = sum(
            r["amount"]["refund"] for r in self.refunds.values()
            if r["order"] is order and r["status"] != "CLOSED"
        )  # fmt: skip
        refund_amount = int(amount.get("refund") or 0)
        if refund_amount <= 0 or refund_amount + refunded > order["amount"]["total"]:
            return _error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        refund = {
            "order": order, "out_refund_no": data["out_refund_no"],
            "refund_id": "50" + "".join(str(secrets.randbelow(10)) for _ in range(27)),
            "status": "PROCESSING", "success_time": None, "create_time": _now(),
            "notify_url": data.get("notify_url") or order["notify_url"],
            "amount": {"total": order["amount"]["total"], "refund": refund_amount},
        }  # fmt: skip
        self.refunds[data["out_refund_no"]] = refund
        order["trade_state"] = "REFUND"
        if self.refund_delay <= 0:
            self._finish_refund(refund)
            self._later(0.1, lambda: self._deliver(*self._refund_event(refund), retry=True))
        else:
            self._later(self.refund_delay, lambda: self.complete_refund(refund["out_refund_no"]))
        return 200, self._refund_view(refund)

    def _finish_refund(self, refund: dict[str, Any]) -> bool:
        if refund["status"] != "PROCESSING":
            return False
        refund["status"], refund["success_time"] = "SUCCESS", _now()
        return True

    def _refund_view(self, refund: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        order, amount = refund["order"], refund["amount"]
        return {
            "mchid": order["mchid"], "refund_id": refund["refund_id"],
            "out_refund_no": refund["out_refund_no"], "transaction_id": order["transaction_id"],
            "out_trade_no": order["out_trade_no"], "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱", "create_time": refund["create_time"],
            "success_time": refund["success_time"], "status": refund["status"],
            "refund_status": refund["status"],
            "amount": {"total": amount["total"], "refund": amount["refund"],
                       "payer_total": amount["total"], "payer_refund": amount["refund"],
                       "currency": "CNY"},
        } | overrides  # fmt: skip

    def _later(self, delay: float, action: Any) -> None:
        timer = threading.Timer(delay, action)
        timer.daemon = True
        timer.start()

    # --- certificates and bills -----------------------------------------------------------

    def _certificates(self) -> dict[str, Any]:
        c, nonce = self.credentials, wx.nonce_str(12)
        ciphertext = wx.aes_gcm_encrypt(
            self.api_v3_key, nonce=nonce, plaintext=c.platform_certificate.encode(),
            associated_data="certificate",
        )  # fmt: skip
        return {"data": [{
            "serial_no": c.platform_certificate_serial,
            "effective_time": _now(), "expire_time": _now(),
            "encrypt_certificate": {"algorithm": "AEAD_AES_256_GCM", "nonce": nonce,
                                    "associated_data": "certificate", "ciphertext": ciphertext},
        }]}  # fmt: skip

    def _trade_bill(self, bill_date: str) -> tuple[int, dict[str, Any]]:
        try:
            day = dt.date.fromisoformat(bill_date)
        except ValueError:
            return _error(400, "PARAM_ERROR", "bill_date 格式错误")
        text = pages.bill_text(
            day, self.credentials.mchid, self.credentials.appid,
            list(self.orders.values()), list(self.refunds.values()),
        )  # fmt: skip
        if text is None:
            return _error(400, "NO_STATEMENT_EXIST", "账单文件不存在")
        token = secrets.token_urlsafe(16)
        self.bills[token] = text.encode("utf-8")
        return 200, {
            "hash_type": "SHA1",
            "hash_value": hashlib.sha1(self.bills[token], usedforsecurity=False).hexdigest(),
            "download_url": f"{self.url}/v3/billdownload/file?token={token}",
        }


_HTML = {"Content-Type": "text/html; charset=utf-8"}


def demo_sandbox(port: int) -> WeChatPaySandbox:
    """The demo's sandbox (`xiaoyou payments-sandbox`): credentials kept under var/."""
    from django.conf import settings

    from xiaoyou.payments.sandbox.wechatpay_keys import demo_credentials_path, load_or_create

    credentials = load_or_create(demo_credentials_path(settings.VAR_DIR))
    return WeChatPaySandbox(port, credentials=credentials, refund_delay=2.0)
