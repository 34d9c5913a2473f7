"""The one interface every payment provider adapter implements (WeChat Pay v3, Alipay, offline).

Adapters speak their provider's documented protocol and know nothing of orders' meaning:
services hand them a `PaymentOrder` / `PaymentRefund` and get plain dataclasses back. Every
verification (signature, merchant/app id, amount) that can be done from the message alone is
done in `parse_notification`; the services then check the message against the order (amount,
currency, state) before any state change, under a row lock, so a replay changes nothing.

Adapters are looked up by name with `get_provider(name)`; settings (PAYMENTS_PROVIDERS) choose
which are enabled and their credentials and base URLs (tests point them at the emulators).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from django.http import HttpResponse

    from xiaoyou.payments.models import PaymentOrder, PaymentRefund


class ProviderError(Exception):
    """The provider refused or could not be reached; `code` is the provider's error code."""

    def __init__(self, message: str, *, code: str = "", retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class InvalidNotification(Exception):
    """A notification that failed verification (signature, ids, format): never applied."""


@dataclass(frozen=True)
class StartResult:
    """What the payer's browser needs to pay: exactly one of the fields is set.

    - redirect_url: go there (WeChat H5 `h5_url`, Alipay page/wap gateway URL);
    - qr_code: show this as a QR code (WeChat Native `code_url`);
    - jsapi: parameters for WeixinJSBridge.invoke('getBrandWCPayRequest', ...);
    - form_html: an auto-submitting form (when a provider wants POST);
    - instructions: offline payment instructions for the payer.
    """

    redirect_url: str = ""
    qr_code: str = ""
    jsapi: dict[str, str] = field(default_factory=dict)
    form_html: str = ""
    instructions: str = ""
    provider_reference: str = ""  # e.g. WeChat prepay_id


@dataclass(frozen=True)
class PaymentState:
    """The provider's view of one order (from a notification or a query)."""

    out_trade_no: str
    state: str  # "paid" | "pending" | "closed" | "refunded" (whole order) | "failed"
    amount: int  # fen the payer paid (for "paid"); the order's total otherwise
    currency: str = "CNY"
    provider_trade_no: str = ""
    paid_at: dt.datetime | None = None
    payer_account: str = ""
    raw: dict[str, Any] = field(default_factory=dict)  # sanitized provider fields, for the ledger


@dataclass(frozen=True)
class RefundState:
    out_refund_no: str
    state: str  # "succeeded" | "processing" | "failed"
    amount: int
    out_trade_no: str = ""
    provider_refund_no: str = ""
    finished_at: dt.datetime | None = None
    failure: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedNotification:
    """A verified notification: a payment or a refund result."""

    kind: str  # "payment" | "refund"
    payment: PaymentState | None = None
    refund: RefundState | None = None


@dataclass(frozen=True)
class BillLine:
    """One line of the provider's daily bill (for reconciliation)."""

    out_trade_no: str
    kind: str  # "payment" | "refund"
    amount: int  # fen, positive
    provider_reference: str = ""
    out_refund_no: str = ""


@dataclass(frozen=True)
class StartContext:
    """What the request tells about the payer: IP (H5 scene info), WeChat openid (JSAPI),
    where to come back to (Alipay return_url, WeChat H5 redirect)."""

    client_ip: str = "127.0.0.1"
    openid: str = ""
    return_url: str = ""
    notify_url: str = ""
    user_agent: str = ""


class PaymentProvider(Protocol):
    name: ClassVar[str]
    channels: ClassVar[tuple[str, ...]]
    # Whether a refund can complete without a notification (its API answers at once).
    max_refund_days: ClassVar[int]

    def start(self, order: PaymentOrder, *, channel: str, context: StartContext) -> StartResult:
        """Creates the payment at the provider for this order and channel."""
        ...

    def parse_notification(self, *, headers: dict[str, str], body: bytes) -> ParsedNotification:
        """Verifies and decodes a notification; raises InvalidNotification."""
        ...

    def notification_reply(self, *, accepted: bool) -> HttpResponse:
        """The exact reply the provider expects (WeChat: 200/204 or 4xx+JSON; Alipay: the
        text `success` or `failure`)."""
        ...

    def query(self, order: PaymentOrder) -> PaymentState: ...

    def close(self, order: PaymentOrder) -> None: ...

    def refund(self, refund: PaymentRefund) -> RefundState:
        """Asks for the refund; idempotent for the same out_refund_no."""
        ...

    def query_refund(self, refund: PaymentRefund) -> RefundState: ...

    def bill(self, day: dt.date) -> list[BillLine]:
        """The provider's statement of `day` (Asia/Shanghai), for reconciliation."""
        ...


_REGISTRY: dict[str, type[Any]] = {}


def register_provider(cls: type[Any]) -> type[Any]:
    """Class decorator: makes an adapter available under its `name`."""
    _REGISTRY[cls.name] = cls
    return cls


def get_provider(name: str) -> PaymentProvider:
    """The configured adapter `name` (a new instance reading current settings)."""
    from django.conf import settings

    from xiaoyou.payments.providers import load_adapters

    load_adapters()
    if name not in _REGISTRY:
        raise ProviderError(f"unknown payment provider {name!r}")
    config = getattr(settings, "PAYMENTS_PROVIDERS", {}).get(name, {})
    instance: PaymentProvider = _REGISTRY[name](**config)
    return instance


def available_providers() -> list[str]:
    """Providers enabled in settings, in the order they are listed."""
    from django.conf import settings

    return [
        name
        for name, config in getattr(settings, "PAYMENTS_PROVIDERS", {}).items()
        if config is not None
    ]
