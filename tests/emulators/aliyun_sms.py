"""Emulator of Aliyun SMS (Dysms) SendSms: RPC-style parameters, signature version 1.0.

It recomputes the documented signature itself (not with the adapter's code):
StringToSign = METHOD&%2F&percent(sorted "k=v" pairs joined by "&"), percent = RFC 3986 in
UTF-8; Signature = base64(HMAC-SHA1(secret + "&", StringToSign)). Answers as the service does:
SignatureDoesNotMatch (400), InvalidAccessKeyId.NotFound (404), SignatureNonceUsed (400),
InvalidTimeStamp.Expired (400), MissingParameter (400), and the isv.* codes with HTTP 200.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.emulators.base import Emulator, Request, Response

REQUIRED = [
    "AccessKeyId", "Action", "Format", "PhoneNumbers", "SignName", "SignatureMethod",
    "SignatureNonce", "SignatureVersion", "Signature", "TemplateCode", "Timestamp", "Version",
]  # fmt: skip


def _percent(value: str) -> str:
    encoded = quote(value.encode("utf-8"), safe="")
    # quote() leaves "~" alone already; the documented rule also wants "*" as %2A and space %20.
    return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def expected_signature(method: str, params: dict[str, str], secret: str) -> str:
    pairs = sorted((key, value) for key, value in params.items() if key != "Signature")
    canonical = "&".join(f"{_percent(key)}={_percent(value)}" for key, value in pairs)
    to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsEmulator(Emulator):
    def __init__(
        self,
        *,
        access_keys: dict[str, str],
        templates: set[str],
        sign_names: set[str],
    ) -> None:
        super().__init__()
        self.access_keys = access_keys
        self.templates = templates
        self.sign_names = sign_names
        self.nonces: set[str] = set()
        self.sent: list[dict[str, object]] = []

    def _error(self, code: str, message: str, status: int = 400) -> Response:
        return Response.json(
            {"RequestId": str(uuid.uuid4()).upper(), "Code": code, "Message": message}, status
        )

    def handle(self, request: Request) -> Response:
        params = request.form() if request.method == "POST" else dict(request.query)
        if request.method == "POST" and request.query:
            params = {**request.query, **params}
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            return self._error("MissingParameter", f"{missing[0]} is mandatory for this action.")
        secret = self.access_keys.get(params["AccessKeyId"])
        if secret is None:
            return self._error(
                "InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404
            )
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return self._error("InvalidParameter", "SignatureMethod or SignatureVersion")
        if not hmac.compare_digest(
            params["Signature"], expected_signature(request.method, params, secret)
        ):
            return self._error(
                "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        try:
            sent_at = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=UTC
            )
        except ValueError:
            return self._error(
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            )
        if abs(datetime.now(UTC) - sent_at) > timedelta(minutes=15):
            return self._error(
                "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
            )
        if params["SignatureNonce"] in self.nonces:
            return self._error("SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(params["SignatureNonce"])
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            return self._error(
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
                404,
            )
        request_id = str(uuid.uuid4()).upper()

        def isv(code: str, message: str) -> Response:
            return Response.json({"RequestId": request_id, "Code": code, "Message": message})

        numbers = params["PhoneNumbers"].split(",")
        if any(not re.fullmatch(r"1[3-9]\d{9}|[1-9]\d{7,14}", number) for number in numbers):
            return isv("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params["SignName"] not in self.sign_names:
            return isv("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法(不存在或被拉黑)")
        if params["TemplateCode"] not in self.templates:
            return isv("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)")
        try:
            template_params = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return isv("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if not isinstance(template_params, dict) or not all(
            isinstance(value, str) for value in template_params.values()
        ):
            return isv("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        biz_id = f"{len(self.sent) + 1:06d}^{uuid.uuid4().int % 10**10}"
        self.sent.append(
            {
                "phone_numbers": numbers,
                "sign_name": params["SignName"],
                "template_code": params["TemplateCode"],
                "params": template_params,
                "biz_id": biz_id,
            }
        )
        return Response.json(
            {"Message": "OK", "RequestId": request_id, "BizId": biz_id, "Code": "OK"}
        )
