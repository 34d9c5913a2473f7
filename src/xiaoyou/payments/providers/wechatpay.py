"""WeChat Pay API v3 adapter (直连商户): JSAPI inside WeChat, H5 in mobile browsers, Native QR.

Every request is signed with the merchant's API certificate key; every response and
notification is verified against the platform public key (`platform_public_key` +
`platform_public_key_id`, the "微信支付公钥" mode) or the platform certificates downloaded from
GET /v3/certificates (decrypted with the APIv3 key, cached per merchant). Notifications older
than five minutes are refused; their resource is decrypted (AEAD_AES_256_GCM) and its
mchid/appid checked. Amounts are integer fen, as WeChat counts them. httpx + cryptography only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from xiaoyou.payments.providers import wechatpay_crypto as wx
from xiaoyou.payments.providers import wechatpay_messages as messages
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

if TYPE_CHECKING:
    from django.http import HttpResponse

    from xiaoyou.payments.models import PaymentOrder, PaymentRefund

DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com"
NOTIFICATION_MAX_AGE = 300  # seconds; older (or as far in the future) notifications are refused
CERTIFICATES_TTL = 12 * 3600
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

RETRYABLE_CODES = {"SYSTEM_ERROR", "FREQUENCY_LIMITED", "BANK_ERROR", "NOT_ENOUGH"}

# (base_url, mchid) -> (fetched at, {serial_no: platform public key})
_certificates: dict[tuple[str, str], tuple[float, dict[str, rsa.RSAPublicKey]]] = {}
_certificates_lock = threading.Lock()


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _pem(value: str) -> str:
    """PEM text, or the path of a PEM file (settings name files; they are read when used)."""
    if "-----BEGIN" in value:
        return value
    with open(value, encoding="ascii") as handle:
        return handle.read()


@register_provider
class WeChatPayProvider:
    name: ClassVar[str] = "wechat"
    channels: ClassVar[tuple[str, ...]] = ("jsapi", "h5", "native")
    max_refund_days: ClassVar[int] = 365  # WeChat accepts refunds for a year after payment

    def __init__(
        self,
        *,
        mchid: str = "",
        appid: str = "",
        merchant_serial_no: str = "",
        merchant_private_key: str = "",
        api_v3_key: str | bytes = b"",
        platform_public_key: str = "",
        platform_public_key_id: str = "",
        base_url: str = DEFAULT_BASE_URL,
        notify_url: str = "",
        timeout: float = 10.0,
        sandbox: bool = False,
        sandbox_credentials: str = "",
    ) -> None:
        if sandbox_credentials:  # the demo's sandbox: its generated keys, kept under var/
            from pathlib import Path

            from xiaoyou.payments.sandbox.wechatpay_keys import load_or_create

            found = load_or_create(Path(sandbox_credentials)).provider_config(base_url)
            mchid, appid = mchid or found["mchid"], appid or found["appid"]
            merchant_serial_no = merchant_serial_no or found["merchant_serial_no"]
            merchant_private_key = merchant_private_key or found["merchant_private_key"]
            api_v3_key = api_v3_key or found["api_v3_key"]
            platform_public_key = platform_public_key or found["platform_public_key"]
            platform_public_key_id = platform_public_key_id or found["platform_public_key_id"]
        self.sandbox = bool(sandbox_credentials) or sandbox
        self.mchid = mchid
        self.appid = appid
        self.serial_no = merchant_serial_no
        self.private_key = wx.load_private_key(_pem(merchant_private_key))
        self.api_v3_key = api_v3_key.encode() if isinstance(api_v3_key, str) else api_v3_key
        if len(self.api_v3_key) != 32:
            raise ProviderError("WeChat Pay APIv3 key must be 32 bytes", code="CONFIG")
        self.platform_keys: dict[str, rsa.RSAPublicKey] = {}
        if platform_public_key:
            if not platform_public_key_id:
                raise ProviderError("platform_public_key_id is required", code="CONFIG")
            self.platform_keys[platform_public_key_id] = wx.load_public_key(
                _pem(platform_public_key)
            )
        self.base_url = base_url.rstrip("/")
        self.notify_url = notify_url
        self.timeout = timeout

    # --- transport ------------------------------------------------------------------------

    def _send(self, method: str, url: str, body: str = "") -> httpx.Response:
        parts = urlsplit(url)
        signed_url = parts.path + (f"?{parts.query}" if parts.query else "")
        header = wx.authorization(
            mchid=self.mchid,
            serial_no=self.serial_no,
            key=self.private_key,
            method=method,
            url=signed_url,
            body=body,
            timestamp=str(int(time.time())),
            nonce=wx.nonce_str(),
        )
        headers = {
            "Authorization": header,
            "Accept": "application/json",
            "User-Agent": "xiaoyou-wechatpay/1",
        }
        if body:
            headers["Content-Type"] = "application/json"
        try:
            return httpx.request(
                method, url, content=body.encode("utf-8"), headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"WeChat Pay unreachable: {exc}", retryable=True) from exc

    def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, data: Any = None
    ) -> dict[str, Any]:
        url = self.base_url + path + (f"?{urlencode(params)}" if params else "")
        body = "" if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        response = self._send(method, url, body)
        text = response.text
        if not self._verify(response.headers, text):
            raise ProviderError("WeChat Pay response signature invalid", code="SIGN_ERROR")
        payload = json.loads(text) if text else {}
        if response.status_code >= 300:
            code = payload.get("code", "") if isinstance(payload, dict) else ""
            raise ProviderError(
                f"WeChat Pay {response.status_code} {code}: {payload.get('message', '')}",
                code=code or str(response.status_code),
                retryable=response.status_code >= 500 or code in RETRYABLE_CODES,
            )
        return payload

    # --- platform keys and signatures -----------------------------------------------------

    def _platform_key(self, serial: str) -> rsa.RSAPublicKey | None:
        if serial in self.platform_keys:
            return self.platform_keys[serial]
        if serial.startswith("PUB_KEY_ID_"):
            return None  # a public key we were not given: never fetched from the wire
        cache_key = (self.base_url, self.mchid)
        with _certificates_lock:
            fetched_at, keys = _certificates.get(cache_key, (0.0, {}))
            stale = time.time() - fetched_at > CERTIFICATES_TTL
            # an unknown serial may be a new certificate: refetch, at most once a minute
            if stale or (serial not in keys and time.time() - fetched_at > 60):
                keys = self._download_certificates()
                _certificates[cache_key] = (time.time(), keys)
        return keys.get(serial)

    def _download_certificates(self) -> dict[str, rsa.RSAPublicKey]:
        response = self._send("GET", f"{self.base_url}/v3/certificates")
        if response.status_code != 200:
            raise ProviderError(
                f"WeChat Pay certificates: {response.status_code}", code="CERTIFICATES"
            )
        keys: dict[str, rsa.RSAPublicKey] = {}
        for item in response.json().get("data", []):
            encrypted = item["encrypt_certificate"]
            pem = wx.aes_gcm_decrypt(
                self.api_v3_key,
                nonce=encrypted["nonce"],
                ciphertext=encrypted["ciphertext"],
                associated_data=encrypted.get("associated_data", ""),
            )
            keys[item["serial_no"]] = wx.load_public_key(pem)
        # the answer itself is signed by one of the certificates it carries
        serial = response.headers.get("Wechatpay-Serial", "")
        message = wx.response_message(
            response.headers.get("Wechatpay-Timestamp", ""),
            response.headers.get("Wechatpay-Nonce", ""),
            response.text,
        )
        key = keys.get(serial)
        if key is None or not wx.rsa_verify(
            key, message, response.headers.get("Wechatpay-Signature", "")
        ):
            raise ProviderError("WeChat Pay certificates signature invalid", code="SIGN_ERROR")
        return keys

    def _verify(self, headers: Any, body: str) -> bool:
        signature = headers.get("Wechatpay-Signature", "")
        timestamp = headers.get("Wechatpay-Timestamp", "")
        if not signature or not timestamp:
            return False
        key = self._platform_key(headers.get("Wechatpay-Serial", ""))
        message = wx.response_message(timestamp, headers.get("Wechatpay-Nonce", ""), body)
        return key is not None and wx.rsa_verify(key, message, signature)

    # --- payments -------------------------------------------------------------------------

    def _notify_url(self, context_url: str = "") -> str:
        if context_url or self.notify_url:
            return context_url or self.notify_url
        from django.conf import settings
        from django.urls import reverse

        base = getattr(settings, "PAYMENTS_NOTIFY_BASE_URL", "").rstrip("/")
        return base + reverse("payments:notify", args=[self.name])

    def start(self, order: PaymentOrder, *, channel: str, context: StartContext) -> StartResult:
        if channel not in self.channels:
            raise ProviderError(f"WeChat Pay has no channel {channel!r}", code="PARAM_ERROR")
        data: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "description": order.subject[:127],
            "out_trade_no": order.out_trade_no,
            "notify_url": self._notify_url(context.notify_url),
            "amount": {"total": int(order.amount), "currency": order.currency},
        }
        if order.expires_at:
            data["time_expire"] = _rfc3339(order.expires_at)
        if channel == "jsapi":
            if not context.openid:
                raise ProviderError("JSAPI payment needs the payer's openid", code="PARAM_ERROR")
            data["payer"] = {"openid": context.openid}
        elif channel == "h5":
            data["scene_info"] = {
                "payer_client_ip": context.client_ip,
                "h5_info": {"type": "Wap"},
            }
        result = self._call("POST", f"/v3/pay/transactions/{channel}", data=data)
        if channel == "jsapi":
            return StartResult(
                jsapi=self.jsapi_parameters(result["prepay_id"]),
                provider_reference=result["prepay_id"],
            )
        if channel == "h5":
            url = result["h5_url"]
            if context.return_url:
                url += f"&redirect_url={quote(context.return_url, safe='')}"
            return StartResult(redirect_url=url)
        return StartResult(qr_code=result["code_url"])

    def jsapi_parameters(self, prepay_id: str) -> dict[str, str]:
        """The parameters of WeixinJSBridge.invoke('getBrandWCPayRequest', ...)."""
        timestamp, nonce, package = str(int(time.time())), wx.nonce_str(), f"prepay_id={prepay_id}"
        return {
            "appId": self.appid,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": wx.jsapi_pay_sign(
                self.private_key,
                appid=self.appid,
                timestamp=timestamp,
                nonce=nonce,
                package=package,
            ),
        }

    def query(self, order: PaymentOrder) -> PaymentState:
        data = self._call(
            "GET",
            f"/v3/pay/transactions/out-trade-no/{quote(order.out_trade_no)}",
            params={"mchid": self.mchid},
        )
        self._check_ids(data, appid=True)
        return messages.payment_state(data)

    def close(self, order: PaymentOrder) -> None:
        self._call(
            "POST",
            f"/v3/pay/transactions/out-trade-no/{quote(order.out_trade_no)}/close",
            data={"mchid": self.mchid},
        )

    # --- refunds --------------------------------------------------------------------------

    def refund(self, refund: PaymentRefund) -> RefundState:
        data = {
            "out_trade_no": refund.order.out_trade_no,
            "out_refund_no": refund.out_refund_no,
            "reason": refund.reason[:80],
            "notify_url": self._notify_url(),
            "amount": {
                "refund": int(refund.amount),
                "total": int(refund.order.amount),
                "currency": refund.order.currency,
            },
        }
        return messages.refund_state(self._call("POST", "/v3/refund/domestic/refunds", data=data))

    def query_refund(self, refund: PaymentRefund) -> RefundState:
        path = f"/v3/refund/domestic/refunds/{quote(refund.out_refund_no)}"
        return messages.refund_state(self._call("GET", path))

    # --- notifications --------------------------------------------------------------------

    def _check_ids(self, resource: dict[str, Any], *, appid: bool) -> None:
        if resource.get("mchid") != self.mchid:
            raise InvalidNotification(f"mchid {resource.get('mchid')!r} is not ours")
        if appid and resource.get("appid") != self.appid:
            raise InvalidNotification(f"appid {resource.get('appid')!r} is not ours")

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> ParsedNotification:
        lowered = {name.lower(): value for name, value in headers.items()}
        header = {
            name: lowered.get(name.lower(), "")
            for name in (
                "Wechatpay-Timestamp",
                "Wechatpay-Nonce",
                "Wechatpay-Signature",
                "Wechatpay-Serial",
            )
        }
        try:
            timestamp = int(header["Wechatpay-Timestamp"])
        except ValueError as exc:
            raise InvalidNotification("missing or bad Wechatpay-Timestamp") from exc
        if abs(time.time() - timestamp) > NOTIFICATION_MAX_AGE:
            raise InvalidNotification("notification timestamp outside five minutes")
        try:
            text = body.decode("utf-8")
            verified = self._verify(header, text)
        except (UnicodeDecodeError, ProviderError) as exc:
            raise InvalidNotification(f"cannot verify: {exc}") from exc
        if not verified:
            raise InvalidNotification("bad Wechatpay-Signature")
        try:
            envelope = json.loads(text)
            encrypted = envelope["resource"]
            if encrypted.get("algorithm") != "AEAD_AES_256_GCM":
                raise InvalidNotification(f"algorithm {encrypted.get('algorithm')!r}")
            resource = json.loads(
                wx.aes_gcm_decrypt(
                    self.api_v3_key,
                    nonce=encrypted["nonce"],
                    ciphertext=encrypted["ciphertext"],
                    associated_data=encrypted.get("associated_data", ""),
                )
            )
        except (ValueError, KeyError, TypeError, wx.CryptoError) as exc:
            raise InvalidNotification(f"bad notification resource: {exc}") from exc
        event = envelope.get("event_type", "")
        if event.startswith("TRANSACTION."):
            self._check_ids(resource, appid=True)
            return ParsedNotification(kind="payment", payment=messages.payment_state(resource))
        if event.startswith("REFUND."):
            self._check_ids(resource, appid=False)
            return ParsedNotification(kind="refund", refund=messages.refund_state(resource))
        raise InvalidNotification(f"unknown event_type {event!r}")

    def notification_reply(self, *, accepted: bool) -> HttpResponse:
        from django.http import HttpResponse, JsonResponse

        if accepted:
            return HttpResponse(status=204)
        return JsonResponse({"code": "FAIL", "message": "失败"}, status=400)

    # --- bill -----------------------------------------------------------------------------

    def bill(self, day: dt.date) -> list[BillLine]:
        try:
            info = self._call(
                "GET",
                "/v3/bill/tradebill",
                params={"bill_date": day.isoformat(), "bill_type": "ALL"},
            )
        except ProviderError as exc:
            if exc.code == "NO_STATEMENT_EXIST":
                return []
            raise
        response = self._send("GET", info["download_url"])  # the file itself is not signed
        if response.status_code != 200:
            raise ProviderError(f"bill download: {response.status_code}", retryable=True)
        expected = info.get("hash_value", "").lower()
        actual = hashlib.sha1(response.content, usedforsecurity=False).hexdigest()
        if info.get("hash_type", "SHA1").upper() == "SHA1" and expected and expected != actual:
            raise ProviderError("bill file hash mismatch", code="HASH_MISMATCH")
        return wx.trade_bill_lines(response.content.decode("utf-8-sig"))
