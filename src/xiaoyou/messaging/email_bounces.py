"""Reading mail that comes back: DSN bounces (RFC 3464 multipart/report; report-type=
delivery-status), spam complaints (RFC 5965 ARF; report-type=feedback-report) and mail to the
List-Unsubscribe mailto address ("unsubscribe+<token>@...").

The message a report is about is found by our X-Xiaoyou-Message header or Message-ID
("<token.campaign@domain>") in the returned headers, else by the Final-Recipient's latest sent
message. Status 5.x.x is a hard bounce (address suppressed), 4.x.x (or Action: delayed) a soft
one. Fed by `xiaoyou messaging_ingest_bounces` (stdin, files or a Maildir, e.g. from a pipe in
the MTA's aliases) or POST /m/bounces/ with the MESSAGING_BOUNCE_TOKEN.
"""

from __future__ import annotations

import email
import logging
import re
from dataclasses import dataclass
from email import policy as email_policy
from email.message import Message
from email.parser import HeaderParser
from typing import Any

from xiaoyou.messaging import email_tracking
from xiaoyou.messaging.models import BounceKind, EmailMessage, EmailMessageStatus

logger = logging.getLogger(__name__)

_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_MESSAGE_ID = re.compile(r"<?([0-9]+-[0-9a-f]{20})\.[0-9]+@")


@dataclass(frozen=True)
class Finding:
    kind: str  # bounce | complaint | unsubscribe
    recipient: str = ""
    status: str = ""
    action: str = ""
    bounce_kind: str = ""
    token: str = ""
    detail: str = ""


def _address(value: Any) -> str:
    text = str(value or "")
    if ";" in text:
        text = text.split(";", 1)[1]
    return text.strip().strip("<>").strip().lower()


def _token_in_headers(headers: Message | None) -> str:
    if headers is None:
        return ""
    token = str(headers.get("X-Xiaoyou-Message", "") or "").strip()
    if token:
        return token
    match = _MESSAGE_ID.search(str(headers.get("Message-ID", "") or ""))
    return match.group(1) if match else ""


def _original_headers(report: Message) -> Message | None:
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            return HeaderParser().parsestr(text)
        if content_type == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return inner[0]
    return None


def _status_blocks(report: Message) -> list[Message]:
    for part in report.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            if isinstance(blocks, list):
                return [block for block in blocks if isinstance(block, Message)]
            text = blocks if isinstance(blocks, str) else ""
            return [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\r?\n", text)]
    return []


def parse(raw: bytes) -> list[Finding]:
    """What a returned message reports (nothing for ordinary mail)."""
    message = email.message_from_bytes(raw, policy=email_policy.compat32)
    content_type = message.get_content_type()
    report_type = str(message.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" and report_type == "delivery-status":
        token = _token_in_headers(_original_headers(message))
        findings = []
        for block in _status_blocks(message):
            recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
            if not recipient:
                continue
            action = str(block.get("Action", "") or "").strip().lower()
            status_match = _STATUS.search(str(block.get("Status", "") or ""))
            status = status_match.group(0) if status_match else ""
            if action in ("delivered", "relayed", "expanded"):
                continue
            hard = status.startswith("5") and action != "delayed"
            findings.append(
                Finding(
                    kind="bounce",
                    recipient=recipient,
                    status=status,
                    action=action,
                    bounce_kind=BounceKind.HARD if hard else BounceKind.SOFT,
                    token=token,
                    detail=" ".join(str(block.get("Diagnostic-Code", "") or "").split())[:250],
                )
            )
        return findings
    if content_type == "multipart/report" and report_type == "feedback-report":
        original = _original_headers(message)
        recipient = ""
        for part in message.walk():
            if part.get_content_type() == "message/feedback-report":
                blocks = part.get_payload()
                fields = blocks[0] if isinstance(blocks, list) and blocks else None
                if isinstance(fields, Message):
                    recipient = _address(fields.get("Original-Rcpt-To"))
        if not recipient and original is not None:
            recipient = _address(original.get("To"))
        token = _token_in_headers(original)
        return [Finding(kind="complaint", recipient=recipient, token=token, detail="abuse report")]
    for header in ("Delivered-To", "X-Original-To", "To"):
        for value in message.get_all(header, []) or []:
            for _name, address in email.utils.getaddresses([str(value)]):
                mailto = email_tracking.mailto_token(address)
                if mailto:
                    return [Finding(kind="unsubscribe", token=mailto, detail="mailto")]
    return []


def _message_for(finding: Finding) -> EmailMessage | None:
    message_id = email_tracking.message_id_of(finding.token) if finding.token else None
    if message_id is not None:
        found = EmailMessage.objects.select_related("campaign").filter(pk=message_id).first()
        if found is not None and (not finding.recipient or found.email == finding.recipient):
            return found
    if not finding.recipient:
        return None
    return (
        EmailMessage.objects.select_related("campaign")
        .filter(email=finding.recipient, status=EmailMessageStatus.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )


def ingest(raw: bytes) -> dict[str, int]:
    """Applies what a returned message reports; returns counts by kind (and "unmatched")."""
    from xiaoyou.messaging.services import email_feedback

    counts: dict[str, int] = {}
    for finding in parse(raw):
        if finding.kind == "unsubscribe":
            message_id = email_tracking.message_id_of(finding.token)
            done = message_id is not None and email_feedback.email_unsubscribe(
                message_id=message_id, via="mailto"
            )
            key = "unsubscribe" if done else "unmatched"
        else:
            message = _message_for(finding)
            if message is None:
                key = "unmatched"
                logger.info("returned mail matches no message: %s", finding)
            elif finding.kind == "complaint":
                email_feedback.email_complaint_record(message=message, detail=finding.detail)
                key = "complaint"
            else:
                email_feedback.email_bounce_record(
                    message=message,
                    kind=finding.bounce_kind,
                    status=finding.status,
                    detail=finding.detail,
                )
                key = f"{finding.bounce_kind}_bounce"
        counts[key] = counts.get(key, 0) + 1
    return counts
