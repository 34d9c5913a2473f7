"""Alipay adapter against the Alipay sandbox: RSA2 signing vectors, page/wap pay URLs, query,
close, refund and refund query, the GBK bill, the payments-sandbox entry. Notifications are in
test_alipay_notify.py.

No database: the adapter only reads the order's and refund's fields (unsaved instances here).
The end-to-end rules through the services and the notify URL are in test_alipay_e2e.py.
"""

# ruff: noqa: F811  (the shared fixtures are imported, then requested as arguments)
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import zipfile
from io import BytesIO

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.payments.alipay_support import (  # noqa: F401 (fixtures)
    at_cashier,
    make_order,
    provider,
    refund_of,
    sandbox,
    url_params,
)
from xiaoyou.payments.providers import alipay_sign as fmt
from xiaoyou.payments.providers.alipay import AlipayProvider, parse_bill
from xiaoyou.payments.providers.base import (
    ProviderError,
    StartContext,
    get_provider,
)

# A key made for these tests only (never configured anywhere): fixed, so the vectors are stable.
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDMYViHNjh6LRui
YgropMQ1crn9Xm4jz1HNnS4IRKE7UtnkGX9CEInKhal+zvbyI5gMJMwaE/WIzVwO
CUQYF6HIdrF7qwUaF6s6lC5vmqYuVaAbhfPOpwTPkBNoo977X+Ar2PH3/MQdkTk+
RxhNCz2F+/WMVXpT3IwLHv+MumkwDg7X9BF7WPZTEWImOQGExTZ8q5myFgXuFDij
ymTz30wA/IqEkSsQ0/JCZRbwty51ruBQUfch7ogKPhrM+Qi+ZE2Z7yYVTF5Wrvy7
Bdb1Z4JTgypHILmEdpQem5khGVlD0xWPNl3i6ZFsKUhdCcoNPX0EHuyQ4lvlB/yV
4qfd9P87AgMBAAECggEAAnZLwDk9fe9MLW0b74iImpI6vlwkXIcTV7REiTH2dUX+
vPo3p76WQlvQ2me43trh6oeI8+l4pEDBEqQ270ldmBIh+jjps1JErEx7sLl+tgEv
EBXRhZRKgQudyD1tIr8Zbr3K0G95l1eYBnGJz+fKQnJyF1IySo9WGo4xiur1+G+1
Y0z89Kq7iAjr92+N/AqKMj37GsVyQydrH4GCkKQFxdJNWpZQVGIXR0m9Bl7CFOdl
0PhI9uu3fxe0Jcc/pn9nubLVrK7L5471S0I622GgekpdD1FbJ3g+S+FFtAYX+LIx
l9z788R/gLWMwA8DJm+w6atM6HBabVUA02FgJ5LXZQKBgQD4pXDKvJlMZPn3tDHL
t2Eh3CGTeaEYvohyTvHbRXNb8nmORjVnig7mrHizr1Gpf/H836oHYIQfAJ6L4t/q
sY3JyM2oaGjdr+N/r+t2W+mam6niFmpWeDYX3ngmj/gDx69XFBXiaMpSOpMI1hVT
zBs84qECLmaRTNdtp2ZJVWwMtQKBgQDSbMHGSh4evNHcyrSM/v6C8d60bSG+ddnU
n4suB7nJhVO/zkYQzC+sSy1Mrzo/MT7X+M+EXDBlNVU5zZjltj5d2Gg4R2fuyI/f
i/yroPR3Y+sAohEwCLfjKWsUws6mdHdO6yHW1ecQHAHAi7vPxAXD0vPrcScKvLDp
mU2qQ3hCLwKBgH5FdkxfDvLu7MrQpeEw1ZEee6arRBaO3DhAwy55zKXLM9P+76wP
PpYCzKFjzXLo2Pl0lKJ+b1pXNC0SIGjNlpX89gQqUecTJdN4gXlwH+g2WUXJ4GLd
VYs1nYrn3in9RJxSRPLgCK9Ns9Hu9pHBu6tl5CJ5cfkkLtsvAhEH4oFpAoGBAJQh
6+fjlYCd/D8qlCAOAq28B8OMcAzcehSsnBYzah7rtSF53OlGVOk9ow4w7Rg/WrY/
ehb7rzYQbYbbrZ9IxG7cQcIcwpXeqyn8KkvIa1EBDhbMAL2H5awNJEzhNwkHRFZS
QOg0fQ1iKfmaZQTGQiixAPXmGk38t647Nel+xdIRAoGASjGpku6YzwczkPnLxrQC
s249ydXsrc5t+Vsk9VPtIC0rhP4+u2SgPcWmWZwgKxRdKq+sgJ1YoTPFItxYsB16
SW+70l0ksS4WliIYMGp2XnTfDrRUFkOLJNFC7g9TFKSfnah3uTQv1/Eli6ARj+dk
hP0K724TvAWnYTmHrQHzcQc=
-----END PRIVATE KEY-----
"""


# --- signing ----------------------------------------------------------------------------------


def test_sign_content_sorts_and_skips_sign_and_empty_values():
    params = {"method": "alipay.trade.query", "app_id": "2021", "sign": "x", "notify_url": "",
              "biz_content": '{"out_trade_no":"A1"}', "charset": "utf-8"}  # fmt: skip
    assert fmt.sign_content(params) == (
        'app_id=2021&biz_content={"out_trade_no":"A1"}&charset=utf-8&method=alipay.trade.query'
    )
    notice = {"b": "2", "a": "1", "sign": "s", "sign_type": "RSA2"}
    assert fmt.sign_content(notice, exclude=("sign", "sign_type")) == "a=1&b=2"


def test_rsa2_vector_verifies_with_cryptography():
    params = {
        "app_id": "2021000149600001",
        "method": "alipay.trade.page.pay",
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": "2026-11-26 18:30:00",
        "version": "1.0",
        "biz_content": '{"out_trade_no":"XY1","total_amount":"12.34","subject":"会费"}',
    }
    key = fmt.private_key(TEST_KEY)
    signed = fmt.sign_params(params, key)
    content = (
        "app_id=2021000149600001&biz_content="
        '{"out_trade_no":"XY1","total_amount":"12.34","subject":"会费"}'
        "&charset=utf-8&format=JSON&method=alipay.trade.page.pay&sign_type=RSA2"
        "&timestamp=2026-11-26 18:30:00&version=1.0"
    )
    assert fmt.sign_content(signed) == content
    # SHA256withRSA, PKCS#1 v1.5: deterministic, 256 bytes for a 2048-bit key.
    raw = base64.b64decode(signed["sign"])
    assert len(raw) == 256 and signed["sign"] == fmt.rsa2_sign(content, key)
    loaded = serialization.load_pem_private_key(TEST_KEY.encode(), None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    loaded.public_key().verify(raw, content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    assert fmt.rsa2_verify(content, signed["sign"], key.public_key())
    assert not fmt.rsa2_verify(content.replace("12.34", "12.35"), signed["sign"], key.public_key())
    assert not fmt.rsa2_verify(content, "not base64!", key.public_key())


def test_amounts_are_decimal_yuan_strings():
    assert [fmt.fen_to_yuan(n) for n in (1234, 5, 100, 0)] == ["12.34", "0.05", "1.00", "0.00"]
    assert fmt.yuan_to_fen("19.99") == 1999  # float(19.99) * 100 == 1998.9999999999998
    assert fmt.yuan_to_fen("0.1") == 10 and fmt.yuan_to_fen("100") == 10000
    for bad in ("12.345", "abc", "", "NaN"):
        with pytest.raises(ValueError):
            fmt.yuan_to_fen(bad)


def test_response_node_is_cut_out_exactly():
    body = '{"alipay_trade_query_response" : {"code":"10000","msg":"Success","a":"中"},"sign":"S"}'
    text, node, sign = fmt.response_node(body, "alipay_trade_query_response")  # type: ignore[misc]
    assert text == '{"code":"10000","msg":"Success","a":"中"}' and node["a"] == "中"
    assert sign == "S" and fmt.response_node(body, "error_response") is None


def test_get_provider_reads_settings(settings, sandbox):
    settings.PAYMENTS_PROVIDERS = {"alipay": sandbox.provider_config()}
    adapter = get_provider("alipay")
    assert isinstance(adapter, AlipayProvider) and adapter.channels == ("page", "wap")


# --- page and wap pay -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "method", "product"),
    [("page", "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
     ("wap", "alipay.trade.wap.pay", "QUICK_WAP_WAY")],
)  # fmt: skip
def test_pay_url_is_signed_redirect_to_gateway(provider, sandbox, channel, method, product):
    order = make_order()
    context = StartContext(return_url="https://xy.example/r/", notify_url="https://xy.example/n/")
    url = provider.start(order, channel=channel, context=context).redirect_url
    assert url.startswith(sandbox.gateway + "?")
    params = url_params(url)
    assert params["method"] == method and params["app_id"] == sandbox.app_id
    assert (params["format"], params["charset"], params["sign_type"], params["version"]) == (
        "JSON", "utf-8", "RSA2", "1.0")  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", params["timestamp"])
    assert params["notify_url"] == "https://xy.example/n/"
    assert params["return_url"] == "https://xy.example/r/"
    biz = json.loads(params["biz_content"])
    assert biz["product_code"] == product and biz["total_amount"] == "12.34"
    assert biz["out_trade_no"] == order.out_trade_no and biz["subject"] == "年会门票"
    assert ("quit_url" in biz) == (channel == "wap")
    app_public = fmt.public_key(sandbox.app_public_key)
    assert fmt.rsa2_verify(fmt.sign_content(params), params["sign"], app_public)
    page = httpx.get(url).text
    assert "沙箱" in page and "SANDBOX" in page and "Pay ¥12.34" in page and "Cancel" in page


def test_tampered_pay_url_is_refused(provider):
    url = provider.start(make_order(), channel="page", context=StartContext()).redirect_url
    page = httpx.get(url.replace("12.34", "0.01"))
    assert page.status_code == 400 and "isv.invalid-signature" in page.text


def test_cashier_pay_redirects_to_return_url_with_signed_sync_params(provider, sandbox):
    order = make_order()
    context = StartContext(return_url="https://xy.example/r/?o=1")
    httpx.get(provider.start(order, channel="page", context=context).redirect_url)
    answer = httpx.post(f"{sandbox.url}/cashier/{order.out_trade_no}", data={"action": "pay"})
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("https://xy.example/r/?o=1&")
    sync = url_params(location)
    assert sync["out_trade_no"] == order.out_trade_no and sync["total_amount"] == "12.34"
    content = fmt.sign_content(sync, exclude=("sign", "sign_type", "o"))
    assert fmt.rsa2_verify(content, sync["sign"], fmt.public_key(sandbox.alipay_public_key))
    assert provider.query(order).state == "paid"
    # The notification went to notify_url (nobody listens on port 9 here).
    assert sandbox.deliveries[-1]["out_trade_no"] == order.out_trade_no


def test_cashier_cancel_leaves_trade_unpaid(provider, sandbox):
    order = make_order()
    context = StartContext(return_url="https://xy.example/r/")
    httpx.get(provider.start(order, channel="wap", context=context).redirect_url)
    answer = httpx.post(f"{sandbox.url}/cashier/{order.out_trade_no}", data={"action": "cancel"})
    assert answer.status_code == 302 and answer.headers["Location"] == "https://xy.example/r/"
    assert provider.query(order).state == "pending"


# --- API calls --------------------------------------------------------------------------------


def test_query_and_close(provider, sandbox):
    order = make_order()
    assert provider.query(order).state == "pending"  # never reached the cashier
    provider.close(order)  # nothing to close at Alipay: no error
    at_cashier(provider, order)
    state = provider.query(order)
    assert (state.state, state.amount, state.out_trade_no) == ("pending", 1234, order.out_trade_no)
    provider.close(order)
    assert provider.query(order).state == "closed"
    assert sandbox.trades[order.out_trade_no].status == "TRADE_CLOSED"


def test_query_paid_trade(provider, sandbox):
    order = make_order(1999)
    at_cashier(provider, order)
    sandbox.pay(order.out_trade_no, notify=False)
    state = provider.query(order)
    assert (state.state, state.amount) == ("paid", 1999)
    assert state.provider_trade_no == sandbox.trades[order.out_trade_no].trade_no
    assert state.paid_at is not None and state.paid_at.tzinfo is not None
    with pytest.raises(ProviderError) as info:
        provider.close(order)
    assert info.value.code == "ACQ.TRADE_STATUS_ERROR"


def test_wrong_app_key_is_refused_with_invalid_signature(sandbox):
    other_private, _ = fmt.generate_key_pair()
    adapter = AlipayProvider(**sandbox.provider_config(app_private_key=other_private))
    with pytest.raises(ProviderError) as info:
        adapter.query(make_order())
    assert info.value.code == "isv.invalid-signature"
    stranger = AlipayProvider(**sandbox.provider_config(app_id="2021009999999999"))
    with pytest.raises(ProviderError) as info:
        stranger.query(make_order())
    assert info.value.code == "isv.invalid-app-id"


def test_answer_with_wrong_signature_is_not_believed(provider, sandbox):
    order = make_order()
    at_cashier(provider, order)
    _, other_public = fmt.generate_key_pair()
    adapter = AlipayProvider(**sandbox.provider_config(alipay_public_key=other_public))
    with pytest.raises(ProviderError) as info:
        adapter.query(order)
    assert info.value.code == "invalid-sign" and info.value.retryable


def test_refunds_partial_full_idempotent_and_queried(provider, sandbox):
    order = make_order(1234)
    at_cashier(provider, order)
    sandbox.pay(order.out_trade_no, notify=False)
    first = refund_of(order, 234, order.out_trade_no + "R1")
    state = provider.refund(first)
    assert (state.state, state.amount, state.out_refund_no) == (
        "succeeded",
        234,
        first.out_refund_no,
    )
    again = provider.refund(first)  # same out_request_no: fund_change N, nothing moves
    assert (again.state, again.amount) == ("succeeded", 234)
    assert sandbox.trades[order.out_trade_no].refunded_fen == 234
    queried = provider.query_refund(first)
    assert (queried.state, queried.amount) == ("succeeded", 234)
    with pytest.raises(ProviderError) as info:
        provider.refund(refund_of(order, 1001, order.out_trade_no + "R2"))
    assert info.value.code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    rest = provider.refund(refund_of(order, 1000, order.out_trade_no + "R3"))
    assert rest.state == "succeeded" and sandbox.trades[order.out_trade_no].refunded_fen == 1234
    assert provider.query(order).state == "refunded"
    unknown = provider.query_refund(refund_of(order, 5, order.out_trade_no + "R9"))
    assert unknown.state == "processing"


def test_refund_of_unpaid_trade_is_refused(provider):
    order = make_order()
    at_cashier(provider, order)
    with pytest.raises(ProviderError) as info:
        provider.refund(refund_of(order, 100, order.out_trade_no + "R1"))
    assert info.value.code == "ACQ.TRADE_STATUS_ERROR"


# --- bill -------------------------------------------------------------------------------------


def test_bill_download_and_parse(provider, sandbox):
    paid, refunded = make_order(1500), make_order(2000)
    for order in (paid, refunded):
        at_cashier(provider, order)
        sandbox.pay(order.out_trade_no, notify=False)
    provider.refund(refund_of(refunded, 500, refunded.out_trade_no + "R1"))
    today = dt.datetime.now(tz=fmt.SHANGHAI).date()
    lines = {(line.out_trade_no, line.kind): line for line in provider.bill(today)}
    assert lines[(paid.out_trade_no, "payment")].amount == 1500
    assert lines[(refunded.out_trade_no, "payment")].amount == 2000
    refund_line = lines[(refunded.out_trade_no, "refund")]
    assert (refund_line.amount, refund_line.out_refund_no) == (500, refunded.out_trade_no + "R1")
    assert refund_line.provider_reference == sandbox.trades[refunded.out_trade_no].trade_no
    assert provider.bill(today - dt.timedelta(days=400)) == []


def test_bill_is_a_zip_of_gbk_csv():
    rows = [{"支付宝交易号": "2026112622001", "商户订单号": "XY9", "业务类型": "交易",
             "商品名称": "校友会费", "商家实收（元）": "88.80"}]  # fmt: skip
    data = fmt.bill_zip(seller_id="2088721000000001", day=dt.date(2026, 11, 25), rows=rows)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        detail = next(n for n in archive.namelist() if n.endswith("业务明细.csv"))
        raw = archive.read(detail)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "校友会费" in raw.decode("gbk")
    [line] = parse_bill(data)
    assert (line.out_trade_no, line.kind, line.amount) == ("XY9", "payment", 8880)


def test_payments_sandbox_command_runs_alipay_with_kept_keys(settings, tmp_path, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from xiaoyou.payments.sandbox.alipay import demo_sandbox, sandbox_key_dir

    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("PAYMENTS_SANDBOX_PORT_ALIPAY", "0")
    out = StringIO()
    call_command("payments_sandbox", "alipay", "--check", stdout=out)
    assert "[SANDBOX] alipay" in out.getvalue() and "ALIPAY_GATEWAY=" in out.getvalue()
    keys = sandbox_key_dir(tmp_path)
    assert (keys / "app_private.pem").stat().st_mode & 0o077 == 0
    # A restart keeps the keys; the adapter reads them from the files, as the settings give them.
    with demo_sandbox(0) as emulator:
        assert emulator.alipay_public_key == (keys / "alipay_public.pem").read_text()
        adapter = AlipayProvider(
            **emulator.provider_config(
                app_private_key=str(keys / "app_private.pem"),
                alipay_public_key=str(keys / "alipay_public.pem"),
            )
        )
        order = make_order()
        at_cashier(adapter, order)
        assert adapter.query(order).state == "pending"
