"""Emulator of Mailgun's sending API: `POST /v3/<domain>/messages`, multipart/form-data (or
form-encoded), HTTP basic auth with the user "api" and the API key.

Answers as the service documents: 401 "Forbidden" for a wrong key, 404 "Domain not found" for a
domain it does not know, 400 with a message when from/to/subject or a body is missing, else 200
{"id": "<...@domain>", "message": "Queued. Thank you."}. What it accepted is kept in `sent`
(every form field with all its values), for the tests to read.

`signed_event` builds a tracking webhook as Mailgun posts it (JSON with a "signature" block:
HMAC-SHA256 of timestamp + token keyed by the webhook signing key) for a message it accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from tests.emulators.base import Emulator, Request, Response


def _form_fields(request: Request) -> dict[str, list[str]]:
    content_type = request.headers.get("Content-Type", "")
    fields: dict[str, list[str]] = {}
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + request.body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            fields.setdefault(str(name), []).append(payload.decode(charset))
    else:
        for name, value in parse_qsl(request.body.decode("utf-8"), keep_blank_values=True):
            fields.setdefault(name, []).append(value)
    return fields


class MailgunEmulator(Emulator):
    def __init__(self, *, api_key: str, domains: set[str], webhook_signing_key: str) -> None:
        super().__init__()
        self.api_key = api_key
        self.domains = domains
        self.webhook_signing_key = webhook_signing_key
        self.sent: list[dict[str, Any]] = []
        # Seconds the API takes to answer after it took the message (a slow provider).
        self.delay = 0.0

    @property
    def api_url(self) -> str:
        return f"{self.url}/v3"

    def handle(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"api:{self.api_key}".encode()).decode()
        if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
            return Response(401, b"Forbidden", {"Content-Type": "text/plain"})
        parts = request.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 3 or parts[0] != "v3":
            return Response(404, b"404 page not found", {"Content-Type": "text/plain"})
        domain, action = parts[1], parts[2]
        if action != "messages":
            return Response(404, b"404 page not found", {"Content-Type": "text/plain"})
        if domain not in self.domains:
            return Response.json({"message": f"Domain not found: {domain}"}, 404)
        fields = _form_fields(request)
        for name in ("from", "to", "subject"):
            if not fields.get(name):
                return Response.json({"message": f"'{name}' parameter is missing"}, 400)
        if not (fields.get("text") or fields.get("html") or fields.get("template")):
            return Response.json({"message": "Need at least one of 'text' or 'html'"}, 400)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        message_id = f"<{stamp}.{secrets.token_hex(8)}@{domain}>"
        self.sent.append({"id": message_id, "domain": domain, "fields": fields})
        if self.delay:
            time.sleep(self.delay)
        return Response.json({"id": message_id, "message": "Queued. Thank you."})

    # --- Tracking webhooks, as Mailgun posts them ---------------------------------------------

    def sign(self, timestamp: str, token: str, key: str | None = None) -> str:
        signing_key = (key or self.webhook_signing_key).encode()
        return hmac.new(signing_key, f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()

    def signed_event(
        self, sent: dict[str, Any], event: str, *, key: str | None = None, **event_data: Any
    ) -> dict[str, Any]:
        """The webhook body of `event` ("delivered", "failed", "opened", "clicked",
        "complained", "unsubscribed") about a message this emulator accepted."""
        timestamp = str(int(time.time()))
        token = secrets.token_hex(25)
        fields = sent["fields"]
        variables = {
            name[2:]: values[0] for name, values in fields.items() if name.startswith("v:")
        }
        data: dict[str, Any] = {
            "id": secrets.token_urlsafe(16),
            "event": event,
            "timestamp": time.time(),
            "recipient": fields["to"][0].rpartition("<")[2].rstrip(">"),
            "user-variables": variables,
            "tags": fields.get("o:tag", []),
            "message": {"headers": {"message-id": sent["id"].strip("<>")}},
            **event_data,
        }
        return {
            "signature": {
                "timestamp": timestamp,
                "token": token,
                "signature": self.sign(timestamp, token, key),
            },
            "event-data": data,
        }
