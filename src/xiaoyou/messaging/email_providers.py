"""Campaign mail through a provider's HTTP API (django-anymail backends) instead of SMTP.

The claimed-row sender is the same; what differs is small and kept here:
- the message: anymail takes the From header from `from_email` (an envelope sender is the
  provider's business: it receives the bounces and reports them by webhook), our signed token
  goes along as metadata so the provider's tracking webhook names the row, and the provider's
  own open and click tracking is off (our pixel and tracked links already count them; the
  provider's would rewrite our links and count each click twice);
- the answer: `message.anymail_status` gives the provider's message id and status, recorded on
  the row;
- the errors: a provider that cannot be reached (connection refused, bad credentials) is like
  an SMTP server that is down: the row is given back and the job retries later; a request that
  may have reached it (read timeout) leaves the row "unknown", never sent twice; a recipient
  the provider refuses is a hard bounce; anything else is a temporary failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from xiaoyou.messaging import email_settings

METADATA_TOKEN = "xiaoyou_message"
METADATA_CAMPAIGN = "xiaoyou_campaign"


def is_provider_backend(connection: Any = None) -> bool:
    """Whether mail goes through an anymail backend (the given connection, else the setting)."""
    if connection is not None:
        from anymail.backends.base import AnymailBaseBackend

        return isinstance(connection, AnymailBaseBackend)
    return str(settings.EMAIL_BACKEND).startswith("anymail.")


def prepare(mail: Any, *, token: str | None, campaign_id: int) -> None:
    """Sets the anymail attributes of one campaign message (`token=None`: a test send)."""
    mail.track_opens = False
    mail.track_clicks = False
    if token is not None:
        mail.metadata = {METADATA_TOKEN: token, METADATA_CAMPAIGN: str(campaign_id)}
        mail.tags = ["campaign"]
    stream = email_settings.postmark_stream()
    if stream and "postmark" in str(settings.EMAIL_BACKEND):
        mail.esp_extra = {"MessageStream": stream}


def provider_answer(mail: Any) -> tuple[str, str]:
    """(provider message id, status) of a message a provider accepted; empty through SMTP."""
    status = getattr(mail, "anymail_status", None)
    if status is None:
        return "", ""
    message_id = str(status.message_id or "")[:255]
    states = sorted(status.status or [])
    return message_id, (states[0] if len(states) == 1 else ",".join(states))[:16]


@dataclass(frozen=True)
class ProviderFailure:
    """How the sender treats an exception a provider backend raised."""

    outcome: str  # "unavailable" | "unknown" | "refused" | "temporary"
    detail: str


def classify(exc: Exception) -> ProviderFailure:
    """How to treat an error of an anymail backend."""
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

    detail = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:300]
    if isinstance(exc, AnymailRecipientsRefused):
        return ProviderFailure("refused", detail)
    cause = exc.__cause__
    if cause is not None:
        import requests

        if isinstance(cause, requests.exceptions.ReadTimeout):
            return ProviderFailure("unknown", detail)
        if isinstance(cause, requests.exceptions.ConnectionError):
            return ProviderFailure("unavailable", detail)
    status_code = getattr(exc, "status_code", None)
    if isinstance(exc, AnymailAPIError) and status_code in (401, 403):
        # Wrong credentials fail every message alike: stop, keep the rows for a retry.
        return ProviderFailure("unavailable", detail)
    return ProviderFailure("temporary", detail)
