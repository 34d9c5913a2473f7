"""Settings of campaign mail, read from Django settings or else the environment (typed helpers
that fail loudly), so a deployment sets them like any other: DKIM_PRIVATE_KEY(_FILE),
DKIM_SELECTOR, DKIM_DOMAIN, MESSAGING_EMAIL_FROM, MESSAGING_BOUNCE_ADDRESS,
MESSAGING_BOUNCE_TOKEN, MESSAGING_EMAIL_BATCH, MESSAGING_EMAIL_LEASE_SECONDS,
MESSAGING_EMAIL_MAX_ATTEMPTS, MESSAGING_EMAIL_DOMAIN_RATES ("qq.com=600,163.com=300,*=0":
messages per minute per recipient domain, 0 for no limit), MESSAGING_POSTMARK_STREAM (the
Postmark message stream of campaigns). The backend itself: email_provider_conf.py."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings

from xiaoyou.core.env import EnvironmentError_, env_int, env_str


def _get(name: str, default: Any = "") -> Any:
    value = getattr(settings, name, None)
    if value is not None:
        return value
    if isinstance(default, int):
        return env_int(name, default)
    return env_str(name, default)


@dataclass(frozen=True)
class DkimKey:
    selector: bytes
    domain: bytes
    private_key: bytes


def dkim_key() -> DkimKey | None:
    """The configured DKIM key, or None when signing is off."""
    selector = str(_get("DKIM_SELECTOR"))
    domain = str(_get("DKIM_DOMAIN"))
    key = str(_get("DKIM_PRIVATE_KEY"))
    key_file = str(_get("DKIM_PRIVATE_KEY_FILE"))
    if key_file and not key:
        key = Path(key_file).read_text()
    if not (selector and domain and key):
        return None
    return DkimKey(selector.encode(), domain.encode(), key.encode())


def from_address() -> str:
    return str(_get("MESSAGING_EMAIL_FROM") or settings.DEFAULT_FROM_EMAIL)


def sender_domain() -> str:
    address = parseaddr(from_address())[1]
    return address.rpartition("@")[2] or "localhost"


def bounce_address() -> str:
    """The envelope sender (Return-Path) where DSNs go; empty: the From address."""
    return str(_get("MESSAGING_BOUNCE_ADDRESS"))


def bounce_token() -> str:
    """Shared secret of the HTTP bounce intake; empty: the endpoint is closed."""
    return str(_get("MESSAGING_BOUNCE_TOKEN"))


def batch_size() -> int:
    return max(1, int(_get("MESSAGING_EMAIL_BATCH", 200)))


def lease_seconds() -> int:
    return max(10, int(_get("MESSAGING_EMAIL_LEASE_SECONDS", 300)))


def max_attempts() -> int:
    return max(1, int(_get("MESSAGING_EMAIL_MAX_ATTEMPTS", 5)))


def domain_rates() -> dict[str, int]:
    """Messages per minute per recipient domain ("*" for any other); 0 means unlimited."""
    raw = _get("MESSAGING_EMAIL_DOMAIN_RATES")
    if isinstance(raw, dict):
        return {str(k).lower(): int(v) for k, v in raw.items()}
    rates: dict[str, int] = {}
    for item in str(raw or "").split(","):
        if not item.strip():
            continue
        domain, _, value = item.partition("=")
        try:
            rates[domain.strip().lower()] = int(value)
        except ValueError as exc:
            raise EnvironmentError_(f"MESSAGING_EMAIL_DOMAIN_RATES: {item!r}") from exc
    return rates


def postmark_stream() -> str:
    """The Postmark message stream campaigns go to (empty: the server's default stream)."""
    return str(_get("MESSAGING_POSTMARK_STREAM"))
