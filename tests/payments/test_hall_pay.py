from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.payments import fake_provider
from xiaoyou.core.models import ReviewItem
from xiaoyou.payments.models import OfflineEvidence, OrderStatus, PaymentOrder
from xiaoyou.payments.views.hall_pay import pay_options

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
WECHAT = IPHONE + " MicroMessenger/8.0.47"
PC = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"


def test_options_per_device(gateway, settings):
    settings.PAYMENTS_PROVIDERS = {"fake": {}, "offline": {}}
    pairs = {
        device: [(o.provider, o.channel) for o in pay_options(device)]
        for device in ("wechat", "mobile", "pc")
    }
    assert pairs["wechat"][0] == ("fake", "jsapi")
    assert pairs["mobile"][0] == ("fake", "h5")
    assert pairs["pc"][0] == ("fake", "native")
    for device in pairs:
        assert pairs[device][1:] == [("offline", "transfer"), ("offline", "cash")]


def test_request_page_creates_order_and_goes_to_pay(client, fee, verified_alumnus, gateway):
    url = reverse("hall:pay_request", kwargs={"pk": fee.pk})
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    client.force_login(verified_alumnus)
    response = client.post(url)
    order = PaymentOrder.objects.get(payer=verified_alumnus)
    assert response["Location"] == reverse("hall:pay", kwargs={"out_trade_no": order.out_trade_no})
    client.post(url)
    assert PaymentOrder.objects.count() == 1  # the open order is reused


def test_pay_page_only_for_the_payer(client, order, outsider, verified_alumnus, gateway):
    url = reverse("hall:pay", kwargs={"out_trade_no": order.out_trade_no})
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(verified_alumnus)
    response = client.get(url, HTTP_USER_AGENT=PC)
    assert response.status_code == 200
    assert b'data-pay-option="fake-native"' in response.content


def test_anonymous_order_opens_with_the_link(client, fee, gateway):
    from xiaoyou.payments.services.orders import order_create

    order = order_create(payable=fee, amount=500, subject="匿名捐赠", org=fee.org)
    url = reverse("hall:pay", kwargs={"out_trade_no": order.out_trade_no})
    assert client.get(url).status_code == 200


def test_pc_qr_then_paid_redirects_to_result(client, order, verified_alumnus, gateway):
    client.force_login(verified_alumnus)
    start = reverse("hall:pay_start", kwargs={"out_trade_no": order.out_trade_no})
    response = client.post(start, {"provider": "fake", "channel": "native"}, HTTP_USER_AGENT=PC)
    assert (
        response.status_code == 200
        and b"data-pay-qr" in response.content
        and b"<svg" in response.content
    )
    status_url = reverse("hall:pay_status", kwargs={"out_trade_no": order.out_trade_no})
    assert b'data-order-status="paying"' in client.get(status_url).content
    headers, body = fake_provider.payment_message(order.out_trade_no, order.amount)
    client.post(
        "/payments/notify/fake/",
        data=body,
        content_type="application/json",
        HTTP_X_FAKE_SIGNATURE=headers["X-Fake-Signature"],
    )
    response = client.get(status_url)
    result_url = reverse("hall:pay_result", kwargs={"out_trade_no": order.out_trade_no})
    assert response["HX-Redirect"] == result_url
    page = client.get(result_url)
    assert b'data-pay-result="paid"' in page.content


def test_mobile_redirects_and_wechat_jsapi(client, order, verified_alumnus, gateway):
    client.force_login(verified_alumnus)
    start = reverse("hall:pay_start", kwargs={"out_trade_no": order.out_trade_no})
    response = client.post(start, {"provider": "fake", "channel": "h5"}, HTTP_USER_AGENT=IPHONE)
    assert response.status_code == 302 and "/fake/pay/" in response["Location"]
    response = client.post(start, {"provider": "fake", "channel": "jsapi"}, HTTP_USER_AGENT=WECHAT)
    assert b"getBrandWCPayRequest" in response.content
    # A channel not offered on this device is refused.
    response = client.post(start, {"provider": "fake", "channel": "native"}, HTTP_USER_AGENT=IPHONE)
    assert response.status_code == 400


def test_transfer_instructions(client, order, verified_alumnus):
    client.force_login(verified_alumnus)
    start = reverse("hall:pay_start", kwargs={"out_trade_no": order.out_trade_no})
    response = client.post(
        start, {"provider": "offline", "channel": "transfer"}, HTTP_USER_AGENT=IPHONE
    )
    assert b"data-pay-instructions" in response.content
    assert order.out_trade_no.encode() in response.content


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def console_login(client, user) -> None:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client.force_login(user)


def test_console_offline_record(client, order, college_admin, regional_admin):
    url = reverse("console:payments_offline_record", kwargs={"pk": order.pk})
    console_login(client, regional_admin)
    assert client.get(url).status_code == 404
    console_login(client, college_admin)
    data = {
        "method": "transfer",
        "amount": "100.00",
        "received_on": dt.date(2026, 11, 20).isoformat(),
        "reference": "ICBC-1",
        "payer_name": "张伟",
        "evidence": SimpleUploadedFile("slip.png", PNG, content_type="image/png"),
    }
    wrong = {**data, "amount": "99.99", "evidence": SimpleUploadedFile("s.png", PNG)}
    assert client.post(url, wrong).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 302
    record = OfflineEvidence.objects.get(order=order)
    assert record.evidence.name.endswith(".png") and record.recorded_by == college_admin
    assert ReviewItem.objects.filter(kind="payments.offline").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYING
    assert b"data-offline-pending" in client.get(url).content
