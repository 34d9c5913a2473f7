"""WeChat Pay v3 adapter against its sandbox: the sandbox verifies every request's signature, the
adapter every answer and notification (platform public key or downloaded certificates)."""

from __future__ import annotations

import datetime as dt
import json
import time

import httpx
import pytest

from xiaoyou.core.emulation import Emulator, Request, Response
from xiaoyou.payments.models import PaymentOrder, PaymentRefund
from xiaoyou.payments.providers import wechatpay as wechatpay_module
from xiaoyou.payments.providers import wechatpay_crypto as wx
from xiaoyou.payments.providers.base import InvalidNotification, ProviderError, StartContext
from xiaoyou.payments.providers.wechatpay import WeChatPayProvider
from xiaoyou.payments.sandbox.wechatpay import WeChatPaySandbox
from xiaoyou.payments.sandbox.wechatpay_keys import generate

CREDENTIALS = generate()
OTHER = generate(mchid="1900000999", appid="wxother000000001")


class Receiver(Emulator):
    """A notify URL that records what it gets and answers 204."""

    def handle(self, request: Request) -> Response:
        return Response(204)

    def last(self) -> tuple[dict[str, str], bytes]:
        request = self.requests[-1]
        return dict(request.headers.items()), request.body


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def sandbox():
    with WeChatPaySandbox(credentials=CREDENTIALS) as server:
        yield server


@pytest.fixture
def wechat(sandbox, receiver) -> WeChatPayProvider:
    return WeChatPayProvider(**sandbox.provider_config(f"{receiver.url}/notify"))


def order(number: str = "XYT1", amount: int = 12345) -> PaymentOrder:
    return PaymentOrder(out_trade_no=number, subject="2026年会费", amount=amount, currency="CNY")


def refund(of: PaymentOrder, number: str, amount: int) -> PaymentRefund:
    return PaymentRefund(order=of, out_refund_no=number, amount=amount, reason="退会")


def paid(wechat, sandbox, number="XYT1", amount=12345) -> PaymentOrder:
    payment = order(number, amount)
    wechat.start(payment, channel="native", context=StartContext())
    assert sandbox.pay(number) == 204
    return payment


def test_requests_are_signed_and_checked_by_the_sandbox(sandbox, wechat):
    wechat.start(order(), channel="native", context=StartContext())
    assert sandbox.rejected_requests == 0
    unsigned = httpx.get(f"{sandbox.url}/v3/pay/transactions/out-trade-no/XYT1?mchid=1900000109")
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "SIGN_ERROR"
    forger = WeChatPayProvider(
        **(sandbox.provider_config() | {"merchant_private_key": OTHER.merchant_private_key})
    )
    with pytest.raises(ProviderError) as error:
        forger.query(order())
    assert error.value.code == "SIGN_ERROR"
    assert sandbox.rejected_requests == 2


def test_answers_signed_by_another_key_are_refused(sandbox):
    config = sandbox.provider_config() | {"platform_public_key": OTHER.platform_public_key}
    with pytest.raises(ProviderError) as error:
        WeChatPayProvider(**config).start(order(), channel="native", context=StartContext())
    assert error.value.code == "SIGN_ERROR"


def test_jsapi_gives_signed_bridge_parameters(sandbox, wechat):
    with pytest.raises(ProviderError):
        wechat.start(order(), channel="jsapi", context=StartContext())  # no openid
    result = wechat.start(order(), channel="jsapi", context=StartContext(openid="oPayer1"))
    params = result.jsapi
    assert params["package"] == f"prepay_id={result.provider_reference}"
    assert params["signType"] == "RSA" and params["appId"] == CREDENTIALS.appid
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    merchant = wx.load_public_key(CREDENTIALS.merchant_public_key)
    assert wx.rsa_verify(merchant, message, params["paySign"])
    assert sandbox.orders["XYT1"]["openid"] == "oPayer1"


def test_h5_pay_page_pays_notifies_and_returns(sandbox, wechat, receiver):
    context = StartContext(client_ip="10.1.2.3", return_url="https://xy.example/back?x=1")
    url = wechat.start(order(), channel="h5", context=context).redirect_url
    assert (
        "/sandbox/pay/wx" in url and "redirect_url=https%3A%2F%2Fxy.example%2Fback%3Fx%3D1" in url
    )
    body = sandbox.requests[0].json()
    assert body["scene_info"] == {"payer_client_ip": "10.1.2.3", "h5_info": {"type": "Wap"}}
    page = httpx.get(url)
    assert "沙箱 SANDBOX" in page.text and "Pay ¥123.45" in page.text
    prepay = url.split("/sandbox/pay/")[1].split("?")[0]
    answer = httpx.post(
        f"{sandbox.url}/sandbox/pay/{prepay}",
        data={"action": "pay", "redirect_url": context.return_url},
    )
    assert answer.status_code == 302 and answer.headers["location"] == context.return_url
    headers, raw = receiver.last()
    parsed = wechat.parse_notification(headers=headers, body=raw)
    assert parsed.kind == "payment" and parsed.payment is not None
    assert (parsed.payment.state, parsed.payment.amount) == ("paid", 12345)
    assert parsed.payment.provider_trade_no.startswith("42000")


def test_native_gives_a_code_url_and_cancel_leaves_it_unpaid(sandbox, wechat):
    code_url = wechat.start(order(), channel="native", context=StartContext()).qr_code
    assert code_url.startswith(sandbox.url)
    answer = httpx.post(code_url, data={"action": "cancel"})
    assert answer.status_code == 200 and "未支付" in answer.text
    assert wechat.query(order()).state == "pending"


def test_query_and_close(sandbox, wechat):
    with pytest.raises(ProviderError) as error:
        wechat.query(order("XYT9"))
    assert error.value.code == "ORDER_NOT_EXIST"
    wechat.start(order("XYT9"), channel="native", context=StartContext())
    wechat.close(order("XYT9"))
    assert wechat.query(order("XYT9")).state == "closed"
    payment = paid(wechat, sandbox)
    state = wechat.query(payment)
    assert (state.state, state.amount, state.currency) == ("paid", 12345, "CNY")
    assert state.paid_at is not None and state.payer_account
    with pytest.raises(ProviderError) as error:
        wechat.close(payment)
    assert error.value.code == "ORDERPAID"


def test_refunds_partial_full_idempotent_and_capped(sandbox, wechat, receiver):
    payment = paid(wechat, sandbox)
    first = wechat.refund(refund(payment, "XYT1R1", 2345))
    assert (first.state, first.amount, first.out_trade_no) == ("succeeded", 2345, "XYT1")
    assert (
        wechat.refund(refund(payment, "XYT1R1", 2345)).provider_refund_no
        == first.provider_refund_no
    )
    with pytest.raises(ProviderError) as error:
        wechat.refund(refund(payment, "XYT1R2", 10001))
    assert error.value.code == "INVALID_REQUEST"
    assert wechat.refund(refund(payment, "XYT1R2", 10000)).state == "succeeded"
    assert wechat.query_refund(refund(payment, "XYT1R2", 10000)).state == "succeeded"
    deadline = time.time() + 5
    while len([r for r in receiver.requests if b"refund" in r.body]) < 2 and time.time() < deadline:
        time.sleep(0.05)
    parsed = [
        wechat.parse_notification(headers=dict(r.headers.items()), body=r.body)
        for r in receiver.requests[1:]
    ]
    refunds = sorted(
        (p.refund.out_refund_no, p.refund.state, p.refund.amount) for p in parsed if p.refund
    )
    assert refunds == [("XYT1R1", "succeeded", 2345), ("XYT1R2", "succeeded", 10000)]


def test_delayed_refund_is_processing_then_notified(sandbox, wechat, receiver):
    sandbox.refund_delay = 0.3
    payment = paid(wechat, sandbox)
    assert wechat.refund(refund(payment, "XYT1R1", 100)).state == "processing"
    assert wechat.query_refund(refund(payment, "XYT1R1", 100)).state == "processing"
    deadline = time.time() + 5
    while len(receiver.requests) < 2 and time.time() < deadline:
        time.sleep(0.05)
    headers, raw = receiver.last()
    parsed = wechat.parse_notification(headers=headers, body=raw)
    assert parsed.kind == "refund" and parsed.refund is not None
    assert (parsed.refund.state, parsed.refund.amount) == ("succeeded", 100)
    assert json.loads(raw)["event_type"] == "REFUND.SUCCESS"


def test_platform_certificates_downloaded_when_no_public_key(sandbox):
    sandbox.sign_with_certificate = True
    wechatpay_module._certificates.clear()
    config = sandbox.provider_config() | {"platform_public_key": "", "platform_public_key_id": ""}
    wechat = WeChatPayProvider(**config)
    wechat.start(order(), channel="native", context=StartContext())
    assert wechat.query(order()).state == "pending"
    downloads = [r for r in sandbox.requests if r.path == "/v3/certificates"]
    assert len(downloads) == 1  # cached


def test_trade_bill(sandbox, wechat):
    assert wechat.bill(dt.date(2020, 1, 1)) == []
    first = paid(wechat, sandbox, "XYT1", 12345)
    paid(wechat, sandbox, "XYT2", 500)
    wechat.refund(refund(first, "XYT1R1", 345))
    lines = wechat.bill(dt.datetime.now(wechatpay_module.SHANGHAI).date())
    summary = sorted(
        (line.kind, line.out_trade_no, line.amount, line.out_refund_no) for line in lines
    )
    assert summary == [
        ("payment", "XYT1", 12345, ""),
        ("payment", "XYT2", 500, ""),
        ("refund", "XYT1", 345, "XYT1R1"),
    ]
    assert all(line.provider_reference for line in lines)


def test_bill_parse_keeps_commas_inside_fields():
    text = (
        wx.BILL_HEADER + "\r\n"
        "`2026-01-02 10:00:00,`wx1,`1900000109,`0,`,`4200001,`XYT1,`o1,`NATIVE,`SUCCESS,`OTHERS,"
        "`CNY,`1.00,`0.00,`0,`0,`0.00,`0.00,`,`,`会费, 2026,`,`0.00,`0.60%,`1.00,`0.00,`\r\n"
        + wx.BILL_SUMMARY_HEADER
        + "\r\n`1,`1.00,`0.00,`0.00,`0.00,`1.00,`0.00\r\n"
    )
    (line,) = wx.trade_bill_lines(text)
    assert (line.out_trade_no, line.kind, line.amount, line.provider_reference) == (
        "XYT1", "payment", 100, "4200001",
    )  # fmt: skip


def notification(sandbox, receiver, **options) -> tuple[dict[str, str], bytes]:
    assert sandbox.notify_payment("XYT1", **options) == [204]
    return receiver.last()


def test_notification_checks(sandbox, wechat, receiver):
    paid(wechat, sandbox)
    headers, raw = notification(sandbox, receiver)
    assert wechat.parse_notification(headers=headers, body=raw).payment.state == "paid"
    for options, reason in [
        ({"age": 301}, "five minutes"),
        ({"forge": True}, "Signature"),
        ({"mchid": "1900000999"}, "mchid"),
        ({"appid": "wxother000000001"}, "appid"),
    ]:
        headers, raw = notification(sandbox, receiver, **options)
        with pytest.raises(InvalidNotification, match=reason):
            wechat.parse_notification(headers=headers, body=raw)
    headers, raw = notification(sandbox, receiver)
    with pytest.raises(InvalidNotification):
        wechat.parse_notification(headers=headers, body=raw.replace(b'"nonce"', b'"nonce" '))
    other_key = WeChatPayProvider(**(sandbox.provider_config() | {"api_v3_key": "k" * 32}))
    with pytest.raises(InvalidNotification, match="resource"):
        other_key.parse_notification(headers=headers, body=raw)
    wrong_amount = wechat.parse_notification(
        headers=notification(sandbox, receiver, amount=1)[0], body=receiver.last()[1]
    )
    assert wrong_amount.payment.amount == 1  # verified message; the services compare amounts


def test_notification_reply():
    wechat = WeChatPayProvider(**CREDENTIALS.provider_config("http://127.0.0.1:9"))
    assert wechat.notification_reply(accepted=True).status_code == 204
    refused = wechat.notification_reply(accepted=False)
    assert refused.status_code == 400 and json.loads(refused.content)["code"] == "FAIL"


def test_demo_sandbox_command_and_settings_credentials(settings, tmp_path, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from xiaoyou.payments.sandbox.wechatpay import demo_sandbox
    from xiaoyou.payments.sandbox.wechatpay_keys import demo_credentials_path

    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("PAYMENTS_SANDBOX_PORT_WECHAT", "0")
    out = StringIO()
    call_command("payments_sandbox", "wechat", "--check", stdout=out)
    assert "[SANDBOX] wechat listening on http://127.0.0.1:" in out.getvalue()
    path = demo_credentials_path(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    # what settings.py gives the adapter with PAYMENTS_SANDBOX=true: the file and a base URL
    with demo_sandbox(0) as server:
        wechat = WeChatPayProvider(sandbox_credentials=str(path), base_url=server.url)
        assert wechat.sandbox and wechat.mchid == server.credentials.mchid
        result = wechat.start(
            order(), channel="native", context=StartContext(notify_url="http://x/n")
        )
        assert result.qr_code.startswith(server.url)
