"""SmsBackend: console and file backends, and the Aliyun and Tencent adapters against emulators."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from xiaoyou.core.sms import SmsError, get_backend
from xiaoyou.core.sms.aliyun import AliyunSmsBackend
from xiaoyou.core.sms.console import ConsoleSmsBackend
from xiaoyou.core.sms.file import FileSmsBackend
from xiaoyou.core.sms.tencent import TencentSmsBackend

CODE = {"code": "482913", "minutes": "5"}


def test_get_backend_follows_settings(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    assert isinstance(get_backend(), ConsoleSmsBackend)
    settings.SMS_BACKEND = "file"
    assert isinstance(get_backend(), FileSmsBackend)
    settings.SMS_BACKEND = "xiaoyou.core.sms.tencent.TencentSmsBackend"
    assert isinstance(get_backend(), TencentSmsBackend)
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_backend()


def test_console_backend_prints_the_text(settings, capsys):
    settings.LANGUAGE_CODE = "en"
    result = ConsoleSmsBackend().send(
        phone="+8613800138000", template="verification_code", params=CODE
    )
    out = capsys.readouterr().out
    assert "[SMS to +8613800138000]" in out
    assert "482913" in out
    assert result.provider == "console"
    assert len(result.message_id) == 32


def test_file_backend_appends_one_json_line_per_message(tmp_path):
    path = tmp_path / "deep" / "sms.jsonl"
    backend = FileSmsBackend(path)
    first = backend.send(phone="+8613800138000", template="verification_code", params=CODE)
    backend.send(phone="+8613900139000", template="notification", params={"text": "活动明天开始"})
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["phone"] for line in lines] == ["+8613800138000", "+8613900139000"]
    assert lines[0]["id"] == first.message_id
    assert lines[0]["params"] == CODE
    assert lines[1]["text"] == "活动明天开始"
    assert [m["phone"] for m in backend.messages(phone="+8613900139000")] == ["+8613900139000"]


# --- Aliyun ---------------------------------------------------------------------------------


def test_aliyun_sends_a_signed_request_the_emulator_accepts(aliyun):
    result = get_backend().send(phone="+8613800138000", template="verification_code", params=CODE)
    assert result.provider == "aliyun"
    assert len(aliyun.sent) == 1
    sent = aliyun.sent[0]
    # Mainland numbers go as 11 digits; the sign name and template params arrive intact.
    assert sent["phone_numbers"] == ["13800138000"]
    assert sent["sign_name"] == "示范校友会"
    assert sent["template_code"] == "SMS_100000001"
    assert sent["params"] == CODE
    assert result.message_id == sent["biz_id"]
    assert result.request_id


def test_aliyun_international_number_keeps_its_country_code(aliyun):
    get_backend().send(phone="+85291234567", template="verification_code", params=CODE)
    assert aliyun.sent[0]["phone_numbers"] == ["85291234567"]


def test_aliyun_bad_signature_is_rejected(aliyun):
    backend = AliyunSmsBackend(access_key_secret="not-the-secret")
    with pytest.raises(SmsError) as error:
        backend.send(phone="+8613800138000", template="verification_code", params=CODE)
    assert error.value.code == "SignatureDoesNotMatch"
    assert error.value.provider == "aliyun"
    assert aliyun.sent == []


def test_aliyun_tampered_request_is_rejected(aliyun):
    import httpx

    data = AliyunSmsBackend().signed_params(
        phone="+8613800138000", template="verification_code", params=CODE
    )
    data["PhoneNumbers"] = "13900139000"  # changed after signing
    body = httpx.post(aliyun.url + "/", data=data).json()
    assert body["Code"] == "SignatureDoesNotMatch"
    assert aliyun.sent == []


def test_aliyun_unknown_key_and_unapproved_template_are_errors(aliyun, settings):
    with pytest.raises(SmsError) as error:
        AliyunSmsBackend(access_key_id="LTAI5tUnknown").send(
            phone="+8613800138000", template="verification_code", params=CODE
        )
    assert error.value.code == "InvalidAccessKeyId.NotFound"
    settings.SMS_TEMPLATES = {"event.reminder": "SMS_999"}
    with pytest.raises(SmsError) as error:
        get_backend().send(
            phone="+8613800138000", template="event.reminder", params={"name": "返校日"}
        )
    assert error.value.code == "isv.SMS_TEMPLATE_ILLEGAL"


def test_aliyun_template_mapping_limits_params_to_those_named(aliyun, settings):
    settings.SMS_TEMPLATES = {"event.reminder": "SMS_100000002:name"}
    get_backend().send(
        phone="+8613800138000", template="event.reminder", params={"name": "返校日", "text": "…"}
    )
    assert aliyun.sent[0]["template_code"] == "SMS_100000002"
    assert aliyun.sent[0]["params"] == {"name": "返校日"}


def test_aliyun_logical_template_without_a_code_is_an_error(aliyun):
    with pytest.raises(SmsError) as error:
        get_backend().send(phone="+8613800138000", template="unknown_account", params={})
    assert error.value.code == "template_not_configured"
    assert len(aliyun.requests) == 0


# --- Tencent --------------------------------------------------------------------------------


def test_tencent_sends_a_tc3_signed_request_the_emulator_accepts(tencent):
    result = get_backend().send(phone="+8613800138000", template="verification_code", params=CODE)
    assert result.provider == "tencent"
    assert tencent.sent == [
        {
            "phone": "+8613800138000",
            "template_id": "2000001",
            "params": ["482913", "5"],
            "serial_no": result.message_id,
        }
    ]
    assert result.request_id


def test_tencent_bad_signature_is_rejected(tencent):
    backend = TencentSmsBackend(secret_key="not-the-key")
    with pytest.raises(SmsError) as error:
        backend.send(phone="+8613800138000", template="verification_code", params=CODE)
    assert error.value.code == "AuthFailure.SignatureFailure"
    assert tencent.sent == []


def test_tencent_tampered_body_is_rejected(tencent):
    import httpx

    backend = TencentSmsBackend()
    payload, headers = backend.request(
        phone="+8613800138000", template="verification_code", params=CODE
    )
    tampered = payload.replace(b"+8613800138000", b"+8613900139000")
    body = httpx.post(tencent.url + "/", content=tampered, headers=headers).json()
    assert body["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"
    assert tencent.sent == []


def test_tencent_unknown_secret_id_and_per_number_failure(tencent, settings):
    with pytest.raises(SmsError) as error:
        TencentSmsBackend(secret_id="AKIDUnknown").send(
            phone="+8613800138000", template="verification_code", params=CODE
        )
    assert error.value.code == "AuthFailure.SecretIdNotFound"
    # Template 2000002 takes one parameter: sending two is refused for that number.
    settings.SMS_TEMPLATES = {"verification_code": "2000002:code,minutes"}
    with pytest.raises(SmsError) as error:
        get_backend().send(phone="+8613800138000", template="verification_code", params=CODE)
    assert error.value.code == "FailedOperation.TemplateIncorrectOrUnapproved"
    settings.SMS_TEMPLATES = {"verification_code": "2000002:code"}
    get_backend().send(phone="+8613800138000", template="verification_code", params=CODE)
    assert tencent.sent[-1]["params"] == ["482913"]


def test_unreachable_gateway_is_a_network_error(settings):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "id"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "secret"
    settings.SMS_ALIYUN_TEMPLATE_CODE = "SMS_1"
    backend = AliyunSmsBackend(endpoint="http://127.0.0.1:9/", timeout=2)
    with pytest.raises(SmsError) as error:
        backend.send(phone="+8613800138000", template="verification_code", params=CODE)
    assert error.value.code == "network_error"
