"""Fixtures and helpers of the Alipay adapter tests (test_alipay*.py): a module-wide Alipay
sandbox, the adapter pointed at it, unsaved orders and refunds (the adapter only reads fields)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from xiaoyou.payments.models import PaymentOrder, PaymentRefund
from xiaoyou.payments.providers.alipay import AlipayProvider
from xiaoyou.payments.providers.base import StartContext
from xiaoyou.payments.sandbox.alipay import AlipaySandbox


@pytest.fixture(scope="module")
def sandbox():
    with AlipaySandbox() as emulator:
        yield emulator


@pytest.fixture
def provider(sandbox):
    return AlipayProvider(**sandbox.provider_config(notify_url="http://127.0.0.1:9/notify/"))


_numbers = iter(range(1, 10_000))


def make_order(amount: int = 1234) -> PaymentOrder:
    return PaymentOrder(
        out_trade_no=f"XYTEST{next(_numbers):06d}", amount=amount, subject="年会门票"
    )


def refund_of(order: PaymentOrder, amount: int, number: str) -> PaymentRefund:
    return PaymentRefund(order=order, out_refund_no=number, amount=amount, reason="活动取消")


def url_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def at_cashier(provider: AlipayProvider, order: PaymentOrder, channel: str = "page") -> str:
    url = provider.start(order, channel=channel, context=StartContext()).redirect_url
    page = httpx.get(url)
    assert page.status_code == 200, page.text
    return page.text
