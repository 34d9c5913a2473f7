"""Alipay open platform adapter (RSA2): PC page pay and mobile wap pay, query, close, refund,
refund query, the daily trade bill and asynchronous notifications.

Page and wap pay are a GET redirect of the payer's browser to the gateway with the signed
parameters; the other calls POST to the gateway and verify the signature of the answer before
reading it. A notification is trusted only after its RSA2 signature verifies with the Alipay
public key and its app_id and seller_id are ours; the services then check out_trade_no and the
total_amount against the order before any state change. See alipay_sign for the formats.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, urlencode

import httpx
from django.http import HttpResponse
from django.utils import timezone

from xiaoyou.payments.providers import alipay_sign as fmt
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
    from xiaoyou.payments.models import PaymentOrder, PaymentRefund

PRODUCT_CODES = {"page": "FAST_INSTANT_TRADE_PAY", "wap": "QUICK_WAP_WAY"}
METHODS = {"page": "alipay.trade.page.pay", "wap": "alipay.trade.wap.pay"}
TRADE_STATES = {
    "WAIT_BUYER_PAY": "pending",
    "TRADE_SUCCESS": "paid",
    "TRADE_FINISHED": "paid",
    "TRADE_CLOSED": "closed",
}
# Fields of a notification/answer kept in the ledger (no buyer names, nothing secret).
RAW_FIELDS = (
    "trade_no",
    "out_trade_no",
    "trade_status",
    "total_amount",
    "receipt_amount",
    "buyer_pay_amount",
    "refund_fee",
    "out_biz_no",
    "gmt_payment",
    "gmt_refund",
    "gmt_close",
    "notify_id",
    "notify_time",
    "fund_change",
    "refund_status",
)
SUCCESS = "10000"


def _raw(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in RAW_FIELDS if data.get(key) not in (None, "")}


@register_provider
class AlipayProvider:
    name: ClassVar[str] = "alipay"
    channels: ClassVar[tuple[str, ...]] = ("page", "wap")
    max_refund_days: ClassVar[int] = 365  # Alipay accepts refunds within 12 months

    def __init__(
        self,
        *,
        app_id: str,
        seller_id: str,
        app_private_key: str,
        alipay_public_key: str,
        gateway: str = "https://openapi.alipay.com/gateway.do",
        notify_url: str = "",
        return_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        self.app_id = app_id
        self.seller_id = seller_id
        self._app_private_key = app_private_key
        self._alipay_public_key = alipay_public_key
        self.gateway = gateway
        self.notify_url = notify_url
        self.return_url = return_url
        self.timeout = timeout

    # --- signing ------------------------------------------------------------------------------

    def _common(self, method: str, biz: dict[str, Any], **extra: str) -> dict[str, str]:
        params = {
            "app_id": self.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": fmt.format_time(timezone.now()),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
            **extra,
        }
        return fmt.sign_params(params, fmt.private_key(self._app_private_key))

    def _call(self, method: str, biz: dict[str, Any]) -> dict[str, Any]:
        """POSTs one API call; returns the verified response node (code 10000) or raises."""
        params = self._common(method, biz)
        try:
            response = httpx.post(
                self.gateway,
                data=params,
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Alipay unreachable: {exc}", retryable=True) from exc
        if response.status_code >= 500:
            raise ProviderError(f"Alipay HTTP {response.status_code}", retryable=True)
        body = response.text
        try:
            found = fmt.response_node(body, fmt.response_key(method)) or fmt.response_node(
                body, "error_response"
            )
        except (ValueError, IndexError) as exc:
            raise ProviderError("Alipay answered something that is not JSON") from exc
        if found is None:
            raise ProviderError(f"Alipay answer has no {fmt.response_key(method)}")
        text, node, signature = found
        code = str(node.get("code", ""))
        verified = bool(signature) and fmt.rsa2_verify(
            text, signature, fmt.public_key(self._alipay_public_key)
        )
        if (code == SUCCESS or signature) and not verified:
            # Nothing an unverified answer says is believed, failures included (a refund marked
            # failed on a fake answer could be paid twice); the call is retried later.
            raise ProviderError(
                "Alipay answer signature does not verify", code="invalid-sign", retryable=True
            )
        if code != SUCCESS:
            sub_code = str(node.get("sub_code") or code)
            message = f"{node.get('msg', '')} {node.get('sub_msg', '')}".strip()
            retryable = code in {"20000", "40004"} and sub_code in {
                "ACQ.SYSTEM_ERROR",
                "isp.unknow-error",
                "aop.ACQ.SYSTEM_ERROR",
            }
            raise ProviderError(f"Alipay {sub_code}: {message}", code=sub_code, retryable=retryable)
        return node

    # --- payment ------------------------------------------------------------------------------

    def start(self, order: PaymentOrder, *, channel: str, context: StartContext) -> StartResult:
        if channel not in self.channels:
            raise ProviderError(f"Alipay has no channel {channel!r}")
        biz: dict[str, Any] = {
            "out_trade_no": order.out_trade_no,
            "total_amount": fmt.fen_to_yuan(order.amount),
            "subject": order.subject[:256],
            "product_code": PRODUCT_CODES[channel],
        }
        if order.expires_at:
            biz["time_expire"] = fmt.format_time(order.expires_at)
        return_url = context.return_url or self.return_url
        if channel == "wap" and return_url:
            biz["quit_url"] = return_url
        params = self._common(
            METHODS[channel],
            biz,
            notify_url=context.notify_url or self.notify_url,
            return_url=return_url,
        )
        return StartResult(redirect_url=f"{self.gateway}?{urlencode(params)}")

    def _payment_state(self, data: dict[str, Any], *, fallback_amount: int = 0) -> PaymentState:
        status = str(data.get("trade_status", ""))
        state = TRADE_STATES.get(status, "pending")
        if state == "closed" and (
            data.get("gmt_refund") or data.get("gmt_payment") or data.get("send_pay_date")
        ):
            state = "refunded"  # a paid trade closes only by its full refund
        try:
            amount = fmt.yuan_to_fen(str(data.get("total_amount", "")))
        except ValueError:
            amount = fallback_amount
        paid_at = fmt.parse_time(str(data.get("gmt_payment") or data.get("send_pay_date") or ""))
        return PaymentState(
            out_trade_no=str(data.get("out_trade_no", "")),
            state=state,
            amount=amount,
            provider_trade_no=str(data.get("trade_no", "")),
            paid_at=paid_at if state == "paid" else None,
            payer_account=str(data.get("buyer_id") or data.get("buyer_user_id") or ""),
            raw=_raw(data),
        )

    def query(self, order: PaymentOrder) -> PaymentState:
        try:
            node = self._call("alipay.trade.query", {"out_trade_no": order.out_trade_no})
        except ProviderError as exc:
            if exc.code == "ACQ.TRADE_NOT_EXIST":  # the payer never reached the cashier
                return PaymentState(
                    out_trade_no=order.out_trade_no, state="pending", amount=order.amount
                )
            raise
        return self._payment_state(node, fallback_amount=order.amount)

    def close(self, order: PaymentOrder) -> None:
        try:
            self._call("alipay.trade.close", {"out_trade_no": order.out_trade_no})
        except ProviderError as exc:
            if exc.code != "ACQ.TRADE_NOT_EXIST":  # never created at Alipay: nothing to close
                raise

    # --- refunds ------------------------------------------------------------------------------

    def refund(self, refund: PaymentRefund) -> RefundState:
        node = self._call(
            "alipay.trade.refund",
            {
                "out_trade_no": refund.order.out_trade_no,
                "refund_amount": fmt.fen_to_yuan(refund.amount),
                "refund_reason": refund.reason[:256],
                "out_request_no": refund.out_refund_no,
            },
        )
        if node.get("fund_change") != "Y":
            # A retry of a refund already done answers fund_change "N": ask what happened.
            return self.query_refund(refund)
        return RefundState(
            out_refund_no=refund.out_refund_no,
            state="succeeded",
            amount=refund.amount,
            out_trade_no=refund.order.out_trade_no,
            provider_refund_no=str(node.get("trade_no", "")),
            finished_at=fmt.parse_time(str(node.get("gmt_refund_pay", ""))) or timezone.now(),
            raw=_raw(node),
        )

    def query_refund(self, refund: PaymentRefund) -> RefundState:
        node = self._call(
            "alipay.trade.fastpay.refund.query",
            {
                "out_trade_no": refund.order.out_trade_no,
                "out_request_no": refund.out_refund_no,
                "query_options": ["gmt_refund_pay"],
            },
        )
        found = node.get("out_request_no") == refund.out_refund_no and node.get("refund_amount")
        if not found:
            # Alipay: no data means not refunded (yet); a retry with the same number is safe.
            return RefundState(
                out_refund_no=refund.out_refund_no,
                state="processing",
                amount=refund.amount,
                out_trade_no=refund.order.out_trade_no,
                failure="not found at Alipay",
                raw=_raw(node),
            )
        succeeded = node.get("refund_status") in (None, "", "REFUND_SUCCESS")
        return RefundState(
            out_refund_no=refund.out_refund_no,
            state="succeeded" if succeeded else "processing",
            amount=fmt.yuan_to_fen(str(node["refund_amount"])),
            out_trade_no=refund.order.out_trade_no,
            provider_refund_no=str(node.get("trade_no", "")),
            finished_at=fmt.parse_time(str(node.get("gmt_refund_pay", ""))) if succeeded else None,
            raw=_raw(node),
        )

    # --- notifications ------------------------------------------------------------------------

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> ParsedNotification:
        # Form-encoded in the charset of the payment request (utf-8 here; gbk for older apps).
        probe = dict(parse_qsl(body.decode("latin-1"), encoding="latin-1"))
        charset = probe.get("charset", "utf-8").lower()
        charset = charset if charset in ("utf-8", "gbk") else "utf-8"
        try:
            text = body.decode(charset)
            fields = dict(
                parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidNotification(f"not a {charset} form") from exc
        signature = fields.get("sign", "")
        if not signature or fields.get("sign_type", "RSA2") != "RSA2":
            raise InvalidNotification("missing signature or not RSA2")
        content = fmt.sign_content(fields, exclude=("sign", "sign_type"))
        if not fmt.rsa2_verify(content, signature, fmt.public_key(self._alipay_public_key)):
            raise InvalidNotification("signature does not verify")
        if fields.get("app_id") != self.app_id:
            raise InvalidNotification(f"app_id {fields.get('app_id')!r} is not ours")
        if fields.get("seller_id") != self.seller_id:
            raise InvalidNotification(f"seller_id {fields.get('seller_id')!r} is not ours")
        if not fields.get("out_trade_no"):
            raise InvalidNotification("no out_trade_no")
        try:
            fmt.yuan_to_fen(fields.get("total_amount", ""))
        except ValueError as exc:
            raise InvalidNotification(str(exc)) from exc
        # Refunds answer at once (fund_change); Alipay's later trade_status_sync about a refund
        # (TRADE_SUCCESS with refund_fee, or TRADE_CLOSED after a full refund) only restates
        # the trade, so it is read as the trade's state: a duplicate for the services.
        return ParsedNotification(kind="payment", payment=self._payment_state(fields))

    def notification_reply(self, *, accepted: bool) -> HttpResponse:
        return HttpResponse(
            b"success" if accepted else b"failure", content_type="text/plain; charset=utf-8"
        )

    # --- bill ---------------------------------------------------------------------------------

    def bill(self, day: dt.date) -> list[BillLine]:
        node = self._call(
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day.isoformat()},
        )
        try:
            response = httpx.get(str(node["bill_download_url"]), timeout=self.timeout)
            response.raise_for_status()
        except (KeyError, httpx.HTTPError) as exc:
            raise ProviderError(f"Alipay bill download failed: {exc}", retryable=True) from exc
        return parse_bill(response.content)


def parse_bill(data: bytes) -> list[BillLine]:
    """BillLines of a trade bill zip: 交易 rows are payments, 退款 rows refunds."""
    lines = []
    for row in fmt.bill_rows(data):
        kind = {"交易": "payment", "退款": "refund"}.get(row.get("业务类型", ""))
        if kind is None or not row.get("商户订单号"):
            continue
        amount_text = row.get("商家实收（元）") or row.get("订单金额（元）") or "0"
        lines.append(
            BillLine(
                out_trade_no=row["商户订单号"],
                kind=kind,
                amount=abs(fmt.yuan_to_fen(amount_text)),
                provider_reference=row.get("支付宝交易号", ""),
                out_refund_no=row.get("退款批次号/请求号", "") if kind == "refund" else "",
            )
        )
    return lines
