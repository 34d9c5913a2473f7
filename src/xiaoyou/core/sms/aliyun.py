"""Aliyun SMS (阿里云短信服务, Dysms) SendSms over HTTP, RPC style, signature version 1.0.

The request is a form POST of the common parameters (AccessKeyId, Action, Format, RegionId,
SignatureMethod=HMAC-SHA1, SignatureNonce, SignatureVersion=1.0, Timestamp, Version=2017-05-25)
and SendSms's own (PhoneNumbers, SignName, TemplateCode, TemplateParam), signed as the
documentation describes:

    CanonicalizedQueryString = "&".join(percent(k) + "=" + percent(v) for k, v in sorted(params))
    StringToSign = METHOD + "&" + percent("/") + "&" + percent(CanonicalizedQueryString)
    Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))

where percent() is RFC 3986 encoding in UTF-8 (space as %20, "*" as %2A, "~" kept).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from django.conf import settings

from xiaoyou.core.http import shared_client
from xiaoyou.core.sms.base import (
    SmsBackend,
    SmsError,
    SmsResult,
    mainland_or_international,
    provider_template,
)

API_VERSION = "2017-05-25"


def percent_encode(value: str) -> str:
    return quote(value, safe="~")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def signature(method: str, params: dict[str, str], access_key_secret: str) -> str:
    digest = hmac.new(
        f"{access_key_secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsBackend(SmsBackend):
    name = "aliyun"

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        sign_name: str | None = None,
        region_id: str = "cn-hangzhou",
        timeout: float = 10.0,
    ) -> None:
        self.endpoint = endpoint or settings.SMS_ALIYUN_ENDPOINT
        self.access_key_id = access_key_id or settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = access_key_secret or settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = sign_name or settings.SMS_SIGN_NAME
        self.region_id = region_id
        self.timeout = timeout

    def signed_params(self, *, phone: str, template: str, params: dict[str, str]) -> dict[str, str]:
        template_code, order = provider_template(
            template,
            default_code=settings.SMS_ALIYUN_TEMPLATE_CODE
            if template == "verification_code"
            else "",
        )
        request = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": mainland_or_international(phone),
            "RegionId": self.region_id,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(
                {name: params[name] for name in order if name in params} if order else params,
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        request["Signature"] = signature("POST", request, self.access_key_secret)
        return request

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> SmsResult:
        if not (self.access_key_id and self.access_key_secret):
            raise SmsError("not_configured", "SMS_ALIYUN_ACCESS_KEY_ID/SECRET", provider=self.name)
        data = self.signed_params(phone=phone, template=template, params=params)
        try:
            response = shared_client().post(self.endpoint, data=data, timeout=self.timeout)
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SmsError("network_error", str(exc), provider=self.name) from exc
        # Errors come with HTTP 4xx/5xx and the same JSON shape: {"Code", "Message", "RequestId"}.
        if body.get("Code") != "OK":
            raise SmsError(
                str(body.get("Code") or response.status_code),
                str(body.get("Message", "")),
                provider=self.name,
            )
        return SmsResult(
            provider=self.name,
            phone=phone,
            message_id=str(body.get("BizId", "")),
            request_id=str(body.get("RequestId", "")),
        )
