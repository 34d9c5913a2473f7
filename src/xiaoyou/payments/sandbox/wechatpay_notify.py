"""Notifications of the WeChat Pay sandbox: building (signed envelope, AES-256-GCM resource),
delivering with retries, and the test helpers for duplicates, late, forged, wrong-amount,
wrong-merchant, expired and held-back (out-of-order) notifications."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from xiaoyou.payments.providers import wechatpay_crypto as wx
from xiaoyou.payments.sandbox.wechatpay_page import new_transaction_id, now

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)  # the real gateway waits 15 s, 15 s, 30 s, 3 min, ...

# (event_type, out_no, notify_url, body, headers)
Event = tuple[str, str, str, str, dict[str, str]]


@dataclass
class Delivery:
    event_type: str
    out_no: str
    status: int  # 0 when the notify URL could not be reached
    body: str


class SandboxNotifications:
    """Mixed into WeChatPaySandbox, whose state these methods use."""

    orders: dict[str, dict[str, Any]]
    refunds: dict[str, dict[str, Any]]
    deliveries: list[Delivery]
    hold: bool
    held: list[Event]
    api_v3_key: bytes
    lock: threading.Lock

    def signed_headers(
        self, body: str, *, key: rsa.RSAPrivateKey | None = None, timestamp: int | None = None
    ) -> dict[str, str]:
        raise NotImplementedError

    def _transaction(self, order: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _refund_view(self, refund: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _mark_paid(self, order: dict[str, Any]) -> bool:
        raise NotImplementedError

    def _finish_refund(self, refund: dict[str, Any]) -> bool:
        raise NotImplementedError

    # --- building and delivering ----------------------------------------------------------

    def _event(
        self,
        event_type: str,
        original_type: str,
        resource: dict[str, Any],
        notify_url: str,
        out_no: str,
        *,
        forge: bool = False,
        age: int = 0,
    ) -> Event:
        nonce = wx.nonce_str(12)
        plaintext = json.dumps(resource, ensure_ascii=False).encode("utf-8")
        envelope = {
            "id": str(uuid.uuid4()),
            "create_time": now(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功" if original_type == "transaction" else "退款状态变更",
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": wx.aes_gcm_encrypt(
                    self.api_v3_key,
                    nonce=nonce,
                    plaintext=plaintext,
                    associated_data=original_type,
                ),
                "associated_data": original_type,
                "nonce": nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False)
        forger = None
        if forge:  # signed by someone else's key, with our serial
            forger = wx.load_private_key(_forger_pem())
        headers = self.signed_headers(body, key=forger, timestamp=int(time.time()) - age)
        headers["Content-Type"] = "application/json"
        return event_type, out_no, notify_url, body, headers

    def _payment_event(self, order: dict[str, Any], **options: Any) -> Event:
        overrides = options.pop("overrides", {})
        resource = self._transaction(order, **overrides)
        resource.pop("trade_state_desc", None)
        return self._event(
            "TRANSACTION.SUCCESS",
            "transaction",
            resource,
            order["notify_url"],
            order["out_trade_no"],
            **options,
        )

    def _refund_event(self, refund: dict[str, Any], **options: Any) -> Event:
        overrides = options.pop("overrides", {})
        view = self._refund_view(refund, **overrides)
        del view["status"], view["channel"]  # the notification says refund_status
        event_type = {"SUCCESS": "REFUND.SUCCESS", "CLOSED": "REFUND.CLOSED"}.get(
            view["refund_status"], "REFUND.ABNORMAL"
        )
        return self._event(
            event_type, "refund", view, refund["notify_url"], refund["out_refund_no"], **options
        )

    def _deliver(
        self,
        event_type: str,
        out_no: str,
        notify_url: str,
        body: str,
        headers: dict[str, str],
        *,
        retry: bool = False,
    ) -> int:
        """POSTs one notification; with `retry`, failures are retried in the background."""
        event: Event = (event_type, out_no, notify_url, body, headers)
        if self.hold:
            self.held.append(event)
            return 0
        status = _post(notify_url, body, headers)
        self.deliveries.append(Delivery(event_type, out_no, status, body))
        if retry and not 200 <= status < 300:
            threading.Thread(target=self._retry, args=(event,), daemon=True).start()
        return status

    def _retry(self, event: Event) -> None:
        for delay in RETRY_DELAYS:
            time.sleep(delay)
            # fresh timestamp and nonce, as the gateway re-signs each attempt
            headers = self.signed_headers(event[3]) | {"Content-Type": "application/json"}
            status = _post(event[2], event[3], headers)
            self.deliveries.append(Delivery(event[0], event[1], status, event[3]))
            if 200 <= status < 300:
                return

    # --- test helpers ---------------------------------------------------------------------

    def pay(self, out_trade_no: str) -> int:
        """The payer pays (as on the pay page); returns the notify URL's status."""
        with self.lock:
            order = self.orders[out_trade_no]
            changed = self._mark_paid(order)
            event = self._payment_event(order)
        return self._deliver(*event) if changed else 0

    def notify_payment(
        self,
        out_trade_no: str,
        *,
        times: int = 1,
        amount: int | None = None,
        forge: bool = False,
        age: int = 0,
        **overrides: Any,
    ) -> list[int]:
        """Sends TRANSACTION.SUCCESS `times` times whatever the order's state (a late one
        after a close, too); `amount` lies about the total, `forge` signs with a wrong key,
        `age` seconds backdates it, `overrides` change resource fields (mchid=, appid=)."""
        with self.lock:
            order = self.orders[out_trade_no]
            if not self._mark_paid(order) and not order["transaction_id"]:
                # a late payment of an order closed meanwhile: the money did arrive
                order["trade_state"] = "SUCCESS"
                order["transaction_id"] = new_transaction_id()
                order["success_time"] = now()
            if amount is not None:
                overrides["amount"] = {
                    "total": amount,
                    "payer_total": amount,
                    "currency": "CNY",
                    "payer_currency": "CNY",
                }
            overrides.setdefault("trade_state", "SUCCESS")
            overrides.setdefault("success_time", order["success_time"] or now())
            events = [
                self._payment_event(order, overrides=overrides, forge=forge, age=age)
                for _ in range(times)
            ]
        return [self._deliver(*event) for event in events]

    def notify_refund(
        self, out_refund_no: str, *, times: int = 1, forge: bool = False, **overrides: Any
    ) -> list[int]:
        with self.lock:
            refund = self.refunds[out_refund_no]
            events = [
                self._refund_event(refund, overrides=overrides, forge=forge) for _ in range(times)
            ]
        return [self._deliver(*event) for event in events]

    def complete_refund(self, out_refund_no: str) -> int:
        """A delayed refund succeeds now; sends REFUND.SUCCESS (retried on failure)."""
        with self.lock:
            refund = self.refunds[out_refund_no]
            if not self._finish_refund(refund):
                return 0
            event = self._refund_event(refund)
        return self._deliver(*event, retry=True)

    def release_notifications(self, *, reverse: bool = True) -> list[int]:
        """Stops holding notifications back and sends the held ones (last first by default)."""
        with self.lock:
            self.hold = False
            held, self.held = self.held, []
        if reverse:
            held.reverse()
        statuses = []
        for event in held:
            # re-signed now: held events must not arrive with a stale timestamp
            headers = self.signed_headers(event[3]) | {"Content-Type": "application/json"}
            statuses.append(self._deliver(event[0], event[1], event[2], event[3], headers))
        return statuses


def _post(url: str, body: str, headers: dict[str, str]) -> int:
    try:
        return httpx.post(
            url, content=body.encode("utf-8"), headers=headers, timeout=10
        ).status_code
    except httpx.HTTPError:
        return 0


_FORGER: list[str] = []


def _forger_pem() -> str:
    if not _FORGER:
        from xiaoyou.payments.sandbox.wechatpay_keys import generate

        _FORGER.append(generate().merchant_private_key)
    return _FORGER[0]
