"""Emulator of Tencent Cloud SMS SendSms, API 3.0 (2021-01-11), TC3-HMAC-SHA256 signatures.

The signature is recomputed from the request as received (method, path, query, the headers named
in SignedHeaders with their received values, the body), following the documentation, and
refused with AuthFailure.SignatureFailure when it differs. Other documented answers:
AuthFailure.SecretIdNotFound, AuthFailure.SignatureExpire (timestamp off by > 5 minutes),
InvalidAction, and per-number codes in SendStatusSet (InvalidParameterValue.IncorrectPhoneNumber,
FailedOperation.TemplateIncorrectOrUnapproved, FailedOperation.SignatureIncorrectOrUnapproved).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import uuid
from datetime import UTC, datetime

from tests.emulators.base import Emulator, Request, Response

AUTHORIZATION = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)/tc3_request,"
    r"\s*SignedHeaders=(?P<headers>[a-z0-9;\-]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


class TencentSmsEmulator(Emulator):
    def __init__(
        self,
        *,
        secrets: dict[str, str],
        sdk_app_ids: set[str],
        templates: dict[str, int],
        sign_names: set[str],
    ) -> None:
        super().__init__()
        self.secrets = secrets
        self.sdk_app_ids = sdk_app_ids
        self.templates = templates  # template id -> number of parameters
        self.sign_names = sign_names
        self.sent: list[dict[str, object]] = []

    def _error(self, code: str, message: str) -> Response:
        return Response.json(
            {
                "Response": {
                    "Error": {"Code": code, "Message": message},
                    "RequestId": str(uuid.uuid4()),
                }
            }
        )

    def _expected(self, request: Request, match: re.Match[str], secret: str) -> str:
        signed = match["headers"].split(";")
        # Documented rule: header names and values in lower case, trimmed, "name:value\n".
        canonical_headers = "".join(
            f"{name}:{(request.headers.get(name) or '').strip().lower()}\n" for name in signed
        )
        canonical_request = "\n".join(
            [
                request.method,
                request.path or "/",
                request.raw_query,
                canonical_headers,
                match["headers"],
                hashlib.sha256(request.body).hexdigest(),
            ]
        )
        scope = f"{match['date']}/{match['service']}/tc3_request"
        to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                request.headers.get("X-TC-Timestamp", ""),
                scope,
                hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
            ]
        )
        key = _sign(
            _sign(_sign(f"TC3{secret}".encode(), match["date"]), match["service"]), "tc3_request"
        )
        return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()

    def handle(self, request: Request) -> Response:
        match = AUTHORIZATION.match(request.headers.get("Authorization", ""))
        if match is None:
            return self._error("AuthFailure.InvalidAuthorization", "Credential is not valid.")
        secret = self.secrets.get(match["id"])
        if secret is None:
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        try:
            timestamp = int(request.headers.get("X-TC-Timestamp", ""))
        except ValueError:
            return self._error("AuthFailure.InvalidAuthorization", "X-TC-Timestamp")
        if abs(time.time() - timestamp) > 300:
            return self._error("AuthFailure.SignatureExpire", "Signature expired.")
        if datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") != match["date"]:
            return self._error(
                "AuthFailure.SignatureFailure", "Credential date does not match X-TC-Timestamp."
            )
        if not {"content-type", "host"} <= set(match["headers"].split(";")):
            return self._error(
                "AuthFailure.SignatureFailure", "content-type and host must be signed."
            )
        if not hmac.compare_digest(match["signature"], self._expected(request, match, secret)):
            return self._error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            )
        if (
            request.headers.get("X-TC-Action") != "SendSms"
            or request.headers.get("X-TC-Version") != "2021-01-11"
        ):
            return self._error("InvalidAction", "The action or version is not valid.")
        body = request.json()
        if body.get("SmsSdkAppId") not in self.sdk_app_ids:
            return self._error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.")
        request_id = str(uuid.uuid4())
        statuses = []
        for number in body.get("PhoneNumberSet") or []:
            serial = f"{len(self.sent) + 1}:{uuid.uuid4().int % 10**20}"
            status = {
                "SerialNo": serial,
                "PhoneNumber": number,
                "Fee": 1,
                "SessionContext": "",
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN" if str(number).startswith("+86") else "",
            }
            params = body.get("TemplateParamSet") or []
            if not re.fullmatch(r"\+[1-9]\d{6,14}", str(number)):
                status.update(
                    SerialNo="",
                    Fee=0,
                    Code="InvalidParameterValue.IncorrectPhoneNumber",
                    Message="invalid mobile number",
                )
            elif body.get("SignName") not in self.sign_names:
                status.update(
                    SerialNo="",
                    Fee=0,
                    Code="FailedOperation.SignatureIncorrectOrUnapproved",
                    Message="signature is not approved",
                )
            elif self.templates.get(str(body.get("TemplateId"))) != len(params):
                status.update(
                    SerialNo="",
                    Fee=0,
                    Code="FailedOperation.TemplateIncorrectOrUnapproved",
                    Message="template is not approved or parameters do not match",
                )
            else:
                self.sent.append(
                    {
                        "phone": number,
                        "template_id": body["TemplateId"],
                        "params": list(params),
                        "serial_no": serial,
                    }
                )
            statuses.append(status)
        return Response.json({"Response": {"SendStatusSet": statuses, "RequestId": request_id}})
