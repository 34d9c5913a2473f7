"""No SMS bombing: codes are limited per phone and per client address, in every flow."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.test_ratelimit import Clock
from tests.factories import UserFactory
from xiaoyou.accounts import services
from xiaoyou.accounts.errors import SmsRateLimited

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, settings):
    return Clock(monkeypatch, settings)


def request_code(client, phone: str, ip: str = "203.0.113.7"):
    # A fresh session each time, as a script flooding a number would use: a session with a code
    # pending is sent back to its code page by allauth instead.
    return Client().post(reverse("account_request_login_code"), {"phone": phone}, REMOTE_ADDR=ip)


def test_one_code_per_phone_per_minute_with_the_wait_shown_next_to_the_field(
    client, sms_outbox, clock
):
    UserFactory(phone="+8613800138000")
    assert request_code(client, "13800138000").status_code == 302
    clock.advance(20)
    response = request_code(client, "13800138000")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Too many codes were requested. Try again in 40 seconds." in page
    assert 'class="form-field has-error" data-field="phone"' in page
    assert len(sms_outbox.messages("+8613800138000")) == 1
    clock.advance(41)
    assert request_code(client, "13800138000").status_code == 302
    assert len(sms_outbox.messages("+8613800138000")) == 2


def test_per_phone_hourly_and_daily_limits(client, sms_outbox, clock, settings):
    settings.SMS_CODE_RATE_PER_PHONE = ["1/60", "3/3600", "4/86400"]
    UserFactory(phone="+8613800138000")
    results = []
    for _ in range(4):
        results.append(request_code(client, "13800138000").status_code)
        clock.advance(61)
    assert results == [302, 302, 302, 200]
    assert len(sms_outbox.messages("+8613800138000")) == 3
    clock.advance(3600)
    assert request_code(client, "13800138000").status_code == 302
    clock.advance(3600)
    response = request_code(client, "13800138000")
    assert response.status_code == 200
    assert "Too many codes were requested." in response.content.decode()
    assert len(sms_outbox.messages("+8613800138000")) == 4


def test_per_ip_limit_across_many_phones(client, sms_outbox, clock, settings):
    settings.SMS_CODE_RATE_PER_IP = ["3/3600"]
    phones = [f"1380013800{i}" for i in range(5)]
    statuses = [request_code(client, phone, ip="198.51.100.20").status_code for phone in phones[:4]]
    assert statuses == [302, 302, 302, 200]
    assert len(sms_outbox.messages()) == 3
    # Another address is not affected, nor is the refused phone's own allowance used up.
    assert request_code(client, phones[3], ip="198.51.100.21").status_code == 302
    assert len(sms_outbox.messages()) == 4


def test_sign_up_shows_the_limit_inline_and_creates_no_account(client, sms_outbox, clock):
    assert (
        client.post(
            reverse("account_signup"), {"method": "phone", "phone": "13800138000"}
        ).status_code
        == 302
    )
    other = client.__class__()
    response = other.post(reverse("account_signup"), {"method": "phone", "phone": "13800138000"})
    assert response.status_code == 200
    assert "Too many codes were requested." in response.content.decode()
    assert len(sms_outbox.messages("+8613800138000")) == 1


def test_resend_is_limited_too(client, sms_outbox, clock):
    UserFactory(phone="+8613800138000")
    client.post(reverse("account_request_login_code"), {"phone": "13800138000"})
    response = client.post(reverse("account_confirm_login_code"), {"action": "resend"}, follow=True)
    assert "Be patient, you are sending too many requests." in response.content.decode()
    assert len(sms_outbox.messages("+8613800138000")) == 1
    clock.advance(61)
    client.post(reverse("account_confirm_login_code"), {"action": "resend"})
    assert len(sms_outbox.messages("+8613800138000")) == 2


def test_service_refuses_past_the_limit_whatever_the_caller(sms_outbox, clock):
    params = {"code": "123456", "minutes": "5"}
    services.verification_sms_send(phone="+8613800138000", ip="192.0.2.1", params=params)
    with pytest.raises(SmsRateLimited) as error:
        services.verification_sms_send(phone="+8613800138000", ip="192.0.2.2", params=params)
    assert error.value.status == 429
    assert error.value.seconds == 60
    assert error.value.text() == "Too many codes were requested. Try again in 60 seconds."
    assert len(sms_outbox.messages()) == 1


def test_gateway_failure_is_a_translated_error_and_still_counts(settings, clock):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    from xiaoyou.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        services.verification_sms_send(phone="+8613800138000", ip=None, params={"code": "1"})
    assert error.value.code == "sms_failed"
    assert error.value.status == 502
    with pytest.raises(SmsRateLimited):
        services.verification_sms_check(phone="+8613800138000", ip=None)
