"""Tencent Cloud SMS (腾讯云短信) SendSms, API 3.0 (version 2021-01-11), TC3-HMAC-SHA256.

POST of a JSON body to the endpoint with the X-TC-* headers, signed as documented:

    CanonicalRequest = "POST\\n/\\n\\n" + canonical headers (content-type, host, x-tc-action,
                       lower case) + "\\n" + "content-type;host;x-tc-action" + "\\n" + sha256(body)
    StringToSign = "TC3-HMAC-SHA256\\n" + timestamp + "\\n" + date/sms/tc3_request + "\\n"
                   + sha256(CanonicalRequest)
    key = HMAC(HMAC(HMAC("TC3" + SecretKey, date), "sms"), "tc3_request")
    Authorization = "TC3-HMAC-SHA256 Credential=SecretId/date/sms/tc3_request,
                     SignedHeaders=content-type;host;x-tc-action, Signature=hex(HMAC(key, StringToSign))"
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from xiaoyou.core.http import shared_client
from xiaoyou.core.sms.base import SmsBackend, SmsError, SmsResult, provider_template

API_VERSION = "2021-01-11"
SERVICE = "sms"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def authorization(
    *, secret_id: str, secret_key: str, host: str, action: str, payload: bytes, timestamp: int
) -> str:
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    # Names and values in lower case, as the documentation requires.
    canonical_headers = (
        f"content-type:{CONTENT_TYPE}\nhost:{host.lower()}\nx-tc-action:{action.lower()}\n"
    )
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            canonical_headers,
            SIGNED_HEADERS,
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = "\n".join(
        [ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )


class TencentSmsBackend(SmsBackend):
    name = "tencent"

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        secret_id: str | None = None,
        secret_key: str | None = None,
        sdk_app_id: str | None = None,
        sign_name: str | None = None,
        region: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.endpoint = endpoint or settings.SMS_TENCENT_ENDPOINT
        self.secret_id = secret_id or settings.SMS_TENCENT_SECRET_ID
        self.secret_key = secret_key or settings.SMS_TENCENT_SECRET_KEY
        self.sdk_app_id = sdk_app_id or settings.SMS_TENCENT_SDK_APP_ID
        self.sign_name = sign_name or settings.SMS_SIGN_NAME
        self.region = region or settings.SMS_TENCENT_REGION
        self.timeout = timeout

    def request(
        self, *, phone: str, template: str, params: dict[str, str]
    ) -> tuple[bytes, dict[str, str]]:
        default = ""
        if template == "verification_code" and settings.SMS_TENCENT_TEMPLATE_ID:
            default = f"{settings.SMS_TENCENT_TEMPLATE_ID}:code,minutes"
        template_id, order = provider_template(template, default_code=default)
        # Tencent's template parameters are positional ({1}, {2}, ...).
        values = (
            [str(params[name]) for name in order if name in params]
            if order
            else list(map(str, params.values()))
        )
        payload = json.dumps(
            {
                "PhoneNumberSet": [phone],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": self.sign_name,
                "TemplateId": template_id,
                "TemplateParamSet": values,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        host = urlsplit(self.endpoint).netloc
        timestamp = int(time.time())
        headers = {
            "Authorization": authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                host=host,
                action="SendSms",
                payload=payload,
                timestamp=timestamp,
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self.region,
        }
        return payload, headers

    def send(self, *, phone: str, template: str, params: dict[str, str]) -> SmsResult:
        if not (self.secret_id and self.secret_key and self.sdk_app_id):
            raise SmsError(
                "not_configured", "SMS_TENCENT_SECRET_ID/KEY/SDK_APP_ID", provider=self.name
            )
        payload, headers = self.request(phone=phone, template=template, params=params)
        try:
            response = shared_client().post(
                self.endpoint, content=payload, headers=headers, timeout=self.timeout
            )
            body = response.json().get("Response", {})
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise SmsError("network_error", str(exc), provider=self.name) from exc
        request_id = str(body.get("RequestId", ""))
        error = body.get("Error")
        if error:
            raise SmsError(
                str(error.get("Code")), str(error.get("Message", "")), provider=self.name
            )
        statuses = body.get("SendStatusSet") or []
        if not statuses:
            raise SmsError("empty_response", request_id, provider=self.name)
        status = statuses[0]
        if status.get("Code") != "Ok":
            raise SmsError(
                str(status.get("Code")), str(status.get("Message", "")), provider=self.name
            )
        return SmsResult(
            provider=self.name,
            phone=phone,
            message_id=str(status.get("SerialNo", "")),
            request_id=request_id,
        )
