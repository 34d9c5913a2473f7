"""Signed tokens and public URLs of a sent message: the open pixel, tracked links, unsubscribe.

A token is "<message id>-<HMAC>" (keyed by SECRET_KEY with a purpose salt), short enough for a
mailto address, and cannot be forged or walked. A tracked link carries the index of a link frozen
on the campaign when sending started, never a URL: the redirect goes only to a link the
campaign's body contained (no open redirect).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from xiaoyou.messaging import email_settings

_SALT = "xiaoyou.messaging.email"


def _signature(message_id: int) -> str:
    return salted_hmac(_SALT, str(message_id), algorithm="sha256").hexdigest()[:20]


def message_token(message_id: int) -> str:
    return f"{message_id}-{_signature(message_id)}"


def message_id_of(token: str) -> int | None:
    """The message id a token names, or None when the token is not genuine."""
    head, _, signature = (token or "").partition("-")
    if not head.isdigit() or len(head) > 18:
        return None
    message_id = int(head)
    return message_id if constant_time_compare(signature, _signature(message_id)) else None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def pixel_url(token: str) -> str:
    return _absolute(reverse("messaging:email_open", args=[token]))


def link_url(token: str, index: int) -> str:
    return _absolute(reverse("messaging:email_click", args=[token, index]))


def unsubscribe_url(token: str) -> str:
    return _absolute(reverse("messaging:email_unsubscribe", args=[token]))


def unsubscribe_mailto(token: str) -> str:
    return f"mailto:unsubscribe+{token}@{email_settings.sender_domain()}?subject=unsubscribe"


def mailto_token(address: str) -> str | None:
    """The token of an "unsubscribe+<token>@domain" address (mail sent to the mailto URI)."""
    local = (address or "").partition("@")[0].lower()
    if not local.startswith("unsubscribe+"):
        return None
    return local[len("unsubscribe+") :]
