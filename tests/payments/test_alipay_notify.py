"""Alipay notification verification against the sandbox's signed forms: good, forged, tampered,
wrong app_id / seller_id / amount, trade states, GBK, and the exact reply texts. The services'
checks (unknown order, amount against the order) are in test_alipay_e2e.py."""

# ruff: noqa: F811  (the shared fixtures are imported, then requested as arguments)
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.payments.alipay_support import (  # noqa: F401 (fixtures)
    at_cashier,
    make_order,
    provider,
    sandbox,
)
from xiaoyou.payments.providers.base import InvalidNotification


@pytest.fixture
def paid_trade(provider, sandbox):
    order = make_order()
    at_cashier(provider, order)
    sandbox.pay(order.out_trade_no, notify=False)
    return order


def test_good_notification(provider, sandbox, paid_trade):
    body = sandbox.notification_body(paid_trade.out_trade_no)
    parsed = provider.parse_notification(headers={}, body=body)
    assert parsed.kind == "payment" and parsed.payment is not None
    state = parsed.payment
    assert (state.out_trade_no, state.state, state.amount) == (
        paid_trade.out_trade_no,
        "paid",
        1234,
    )
    assert state.provider_trade_no == sandbox.trades[paid_trade.out_trade_no].trade_no
    assert state.raw["trade_status"] == "TRADE_SUCCESS" and "sign" not in state.raw


@pytest.mark.parametrize(
    "options",
    [{"forge": True}, {"app_id": "2021009999999999"}, {"seller_id": "2088999999999999"},
     {"total_amount": "12.345"}],
    ids=["forged", "wrong-app-id", "wrong-seller-id", "bad-amount"],
)  # fmt: skip
def test_bad_notifications_are_refused(provider, sandbox, paid_trade, options):
    body = sandbox.notification_body(paid_trade.out_trade_no, **options)
    with pytest.raises(InvalidNotification):
        provider.parse_notification(headers={}, body=body)


def test_tampered_or_unsigned_notification_is_refused(provider, sandbox, paid_trade):
    fields = sandbox.notification(paid_trade.out_trade_no)
    for changed in (
        {**fields, "total_amount": "0.01"},
        {k: v for k, v in fields.items() if k != "sign"},
    ):
        with pytest.raises(InvalidNotification):
            provider.parse_notification(headers={}, body=urlencode(changed).encode())


def test_wrong_amount_notification_verifies_but_carries_its_amount(provider, sandbox, paid_trade):
    # Signed by Alipay with another amount: the services compare it with the order and refuse.
    body = sandbox.notification_body(paid_trade.out_trade_no, total_amount="0.01")
    parsed = provider.parse_notification(headers={}, body=body)
    assert parsed.payment is not None and parsed.payment.amount == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [("WAIT_BUYER_PAY", "pending"), ("TRADE_FINISHED", "paid"), ("TRADE_CLOSED", "closed")],
)
def test_notification_trade_states(provider, sandbox, paid_trade, status, expected):
    body = sandbox.notification_body(paid_trade.out_trade_no, trade_status=status, gmt_payment="")
    parsed = provider.parse_notification(headers={}, body=body)
    assert parsed.payment is not None and parsed.payment.state == expected


def test_notification_replies(provider):
    accepted = provider.notification_reply(accepted=True)
    refused = provider.notification_reply(accepted=False)
    assert (accepted.status_code, accepted.content, refused.content) == (
        200,
        b"success",
        b"failure",
    )
    assert accepted["Content-Type"].startswith("text/plain")


def test_gbk_notification_verifies(provider, sandbox, paid_trade):
    fields = sandbox.notification(paid_trade.out_trade_no, charset="gbk", subject="校友会费")
    parsed = provider.parse_notification(
        headers={}, body=urlencode(fields, encoding="gbk").encode()
    )
    assert parsed.payment is not None and parsed.payment.state == "paid"
    with pytest.raises(InvalidNotification):  # the same bytes read as utf-8 would not verify
        body = urlencode({**fields, "charset": "utf-8"}, encoding="gbk").encode()
        provider.parse_notification(headers={}, body=body)


def test_notification_without_seller_id_is_refused(provider, sandbox, paid_trade):
    body = sandbox.notification_body(paid_trade.out_trade_no, seller_id="")
    with pytest.raises(InvalidNotification):
        provider.parse_notification(headers={}, body=body)
