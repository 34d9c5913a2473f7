"""Emulator of Postmark's email API: `POST /email` with a JSON message and the
X-Postmark-Server-Token header.

Answers as the service documents: 401 with ErrorCode 10 for a wrong token, 422 with ErrorCode
300 for an invalid request (a missing From/To, no body), 422 with ErrorCode 406 when every
recipient is inactive (`inactive` addresses: earlier hard bounces or complaints), else 200
{"To", "SubmittedAt", "MessageID", "ErrorCode": 0, "Message": "OK"}. What it accepted is kept
in `sent`.

`event` builds a tracking webhook body as Postmark posts it (RecordType Delivery, Bounce,
SpamComplaint, Open, Click, SubscriptionChange) for a message it accepted.
"""

from __future__ import annotations

import hmac
import random
import uuid
from datetime import UTC, datetime
from email.utils import getaddresses
from typing import Any

from tests.emulators.base import Emulator, Request, Response


class PostmarkEmulator(Emulator):
    def __init__(self, *, server_token: str, inactive: set[str] | None = None) -> None:
        super().__init__()
        self.server_token = server_token
        self.inactive = {address.lower() for address in inactive or set()}
        self.sent: list[dict[str, Any]] = []

    def _error(self, status: int, code: int, message: str) -> Response:
        return Response.json({"ErrorCode": code, "Message": message}, status)

    def handle(self, request: Request) -> Response:
        token = request.headers.get("X-Postmark-Server-Token", "")
        if not hmac.compare_digest(token, self.server_token):
            return self._error(
                401,
                10,
                "The Server Token you provided in the X-Postmark-Server-Token request header "
                "was invalid. Please verify that you are using a valid token.",
            )
        if request.method != "POST" or request.path != "/email":
            return self._error(404, 404, "Not found")
        if "application/json" not in request.headers.get("Content-Type", ""):
            return self._error(415, 415, "Unsupported Media Type")
        data = request.json()
        if not data.get("From"):
            return self._error(422, 300, "Invalid 'From' address: ''.")
        if not data.get("To"):
            return self._error(422, 300, "Invalid 'To' address: ''.")
        if not (data.get("HtmlBody") or data.get("TextBody")):
            return self._error(422, 300, "Provide either email TextBody or HtmlBody or both.")
        recipients = [address.lower() for _name, address in getaddresses([data["To"]])]
        inactive = [address for address in recipients if address in self.inactive]
        if inactive and len(inactive) == len(recipients):
            return self._error(
                422,
                406,
                "You tried to send to recipient(s) that have been marked as inactive. Found "
                f"inactive addresses: {', '.join(inactive)}. Inactive recipients are ones that "
                "have generated a hard bounce or a spam complaint.",
            )
        message_id = str(uuid.uuid4())
        self.sent.append({"MessageID": message_id, "data": data})
        return Response.json(
            {
                "To": data["To"],
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            }
        )

    # --- Tracking webhooks, as Postmark posts them --------------------------------------------

    def event(self, sent: dict[str, Any], record_type: str, **fields: Any) -> dict[str, Any]:
        data = sent["data"]
        recipient = getaddresses([data["To"]])[0][1]
        now = datetime.now(UTC).isoformat()
        body: dict[str, Any] = {
            "RecordType": record_type,
            "MessageID": sent["MessageID"],
            "Recipient": recipient,
            "Tag": data.get("Tag", ""),
            "Metadata": data.get("Metadata", {}),
            "MessageStream": data.get("MessageStream", "outbound"),
            "ServerID": 23,
        }
        if record_type == "Delivery":
            body.update(DeliveredAt=now, Details="Test delivery webhook details")
        elif record_type in ("Bounce", "SpamComplaint"):
            body.update(
                ID=random.randint(10**9, 10**10),
                Type="HardBounce" if record_type == "Bounce" else "SpamComplaint",
                TypeCode=1 if record_type == "Bounce" else 512,
                Email=recipient,
                BouncedAt=now,
                Description="The server was unable to deliver your message (ex: unknown user, "
                "mailbox not found).",
                Details="smtp;550 5.1.1 The email account that you tried to reach does not exist.",
                Inactive=True,
                CanActivate=True,
                Subject=data.get("Subject", ""),
            )
        elif record_type in ("Open", "Click"):
            body.update(ReceivedAt=now, FirstOpen=True, UserAgent="Mozilla/5.0", Platform="WebMail")
        elif record_type == "SubscriptionChange":
            body.update(ChangedAt=now, SuppressSending=True, SuppressionReason="ManualSuppression")
        body.update(fields)
        return body
