"""Mail providers' tracking webhooks (through django-anymail) applied to the delivery records.

An anymail `AnymailTrackingEvent` (delivered, bounced, rejected, deferred, complained, opened,
clicked, unsubscribed) becomes the same change as the DSN, pixel, link and unsubscribe paths
make (email_feedback.py): a hard bounce or a complaint suppresses the address, an unsubscribe
too. Like those, it is written by a mail server, not by staff: no actor, no policy; the
webhook's basic auth and the provider's signature (checked by anymail before the signal) are
the authority.

Rule: each event is applied once. Its key (the provider's event id, or a digest of the event
as posted when the provider gives none) is inserted in the transaction that applies it; a
webhook posted again finds the key and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoyou.messaging import email_providers, email_tracking
from xiaoyou.messaging.email_sending import suppress
from xiaoyou.messaging.models import (
    BounceKind,
    EmailEvent,
    EmailEventKind,
    EmailMessage,
    EmailProviderEvent,
    SuppressionReason,
)
from xiaoyou.messaging.services import email_feedback

logger = logging.getLogger(__name__)

_ENHANCED_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_SMTP_CODE = re.compile(r"\b([45])\d\d\b")
# Provider bounce types that are temporary although the provider reports them as bounces.
_SOFT_TYPES = {"SoftBounce", "Transient", "DnsError"}


def _event_key(event: Any) -> str:
    if event.event_id:
        return str(event.event_id)[:128]
    raw = event.esp_event
    if hasattr(raw, "lists"):  # a QueryDict (form-encoded webhooks)
        raw = {key: values for key, values in raw.lists()}
    try:
        text = json.dumps(raw, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(raw)
    digest = hashlib.sha256(f"{event.event_type}|{text}".encode()).hexdigest()
    return f"sha256:{digest}"


def _message_for(event: Any) -> EmailMessage | None:
    """The delivery row the event is about: by our signed token in the metadata, else by the
    provider's message id (and recipient)."""
    recipient = str(event.recipient or "").strip().lower()
    metadata = event.metadata or {}
    token = str(metadata.get(email_providers.METADATA_TOKEN, "") or "")
    rows = EmailMessage.objects.select_related("campaign")
    message_id = email_tracking.message_id_of(token) if token else None
    if message_id is not None:
        found = rows.filter(pk=message_id).first()
        if found is not None and (not recipient or found.email == recipient):
            return found
    if event.message_id:
        by_provider = rows.filter(provider_message_id=str(event.message_id)[:255])
        if recipient:
            by_provider = by_provider.filter(email=recipient)
        return by_provider.order_by("-pk").first()
    return None


def _status_and_kind(event: Any) -> tuple[str, str]:
    """(DSN status or SMTP code, hard|soft) of a bounce event."""
    text = f"{event.mta_response or ''} {event.description or ''}"
    enhanced = _ENHANCED_STATUS.search(text)
    code = enhanced.group(0) if enhanced else ""
    if not code:
        smtp = _SMTP_CODE.search(text)
        code = smtp.group(0) if smtp else ""
    esp_type = ""
    if isinstance(event.esp_event, dict):
        esp_type = str(event.esp_event.get("Type", "") or "")
    soft = code.startswith("4") or esp_type in _SOFT_TYPES
    return code, BounceKind.SOFT if soft else BounceKind.HARD


def _detail(event: Any) -> str:
    return " ".join(str(event.mta_response or event.description or "").split())[:250]


def _log(message: EmailMessage, kind: str, detail: str) -> None:
    EmailEvent.objects.create(message=message, kind=kind, detail=detail[:500])


def _apply(provider: str, event: Any, message: EmailMessage | None) -> str:
    kind = str(event.event_type)
    reason = str(event.reject_reason or "")
    if kind == "rejected":
        # The provider refused to send (an address it had suppressed, an invalid one, ...).
        kind = {
            "bounced": "bounced",
            "invalid": "bounced",
            "spam": "complained",
            "unsubscribed": "unsubscribed",
        }.get(reason, "failed")
    recipient = str(event.recipient or (message.email if message else "")).strip().lower()
    if kind in ("bounced", "failed"):
        status, bounce_kind = _status_and_kind(event)
        if kind == "failed":
            bounce_kind = BounceKind.SOFT
        if message is not None:
            email_feedback.email_bounce_record(
                message=message, kind=bounce_kind, status=status, detail=_detail(event)
            )
        elif bounce_kind == BounceKind.HARD and recipient:
            suppress(recipient, reason=SuppressionReason.HARD_BOUNCE, detail=_detail(event))
        return f"{bounce_kind}_bounce"
    if kind == "complained":
        if message is not None:
            email_feedback.email_complaint_record(message=message, detail=f"{provider} complaint")
        elif recipient:
            suppress(recipient, reason=SuppressionReason.COMPLAINT, detail=provider)
        return "complaint"
    if kind == "unsubscribed":
        if message is not None:
            email_feedback.email_unsubscribe(message_id=message.pk, via=provider)
        elif recipient:
            suppress(recipient, reason=SuppressionReason.UNSUBSCRIBED, detail=provider)
        return "unsubscribe"
    if message is None:
        return "unmatched"
    if kind == "delivered":
        EmailMessage.objects.filter(pk=message.pk).update(
            delivered_at=Coalesce(F("delivered_at"), event.timestamp or timezone.now())
        )
        _log(message, EmailEventKind.DELIVERED, provider)
        return "delivered"
    if kind == "deferred":
        # Noted only: the provider retries by itself. The row stays "sent" (our own "deferred"
        # status would make the sender send it again).
        _log(message, EmailEventKind.DEFERRED, f"{provider} {_detail(event)}")
        return "deferred"
    if kind == "opened":
        email_feedback.email_open_record(message_id=message.pk)
        return "open"
    if kind == "clicked":
        email_feedback.email_provider_click_record(
            message_id=message.pk, url=str(event.click_url or "")
        )
        return "click"
    return "ignored"


def email_provider_event_record(*, provider: str, event: Any) -> str:
    """Applies one tracking event of a mail provider to its delivery record and the
    suppression list, once; returns what it did ("duplicate" when it had been applied)."""
    provider = provider.lower()[:32]
    key = _event_key(event)
    message = _message_for(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                EmailProviderEvent.objects.create(
                    provider=provider,
                    event_key=key,
                    event_type=str(event.event_type)[:24],
                    message=message,
                )
        except IntegrityError:
            return "duplicate"
        outcome = _apply(provider, event, message)
    if message is None:
        logger.info("%s %s event matches no message", provider, event.event_type)
    return outcome
