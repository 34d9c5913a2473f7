"""Reads of personal API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.db.models import QuerySet

from xiaoyou.api.models import ApiToken

TOKEN_PATTERN = re.compile(r"^xy_(?P<prefix>[0-9a-f]{8,16})_(?P<secret>[A-Za-z0-9_-]{20,128})$")


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_find(raw: str) -> ApiToken | None:
    """The usable token (not revoked, not expired, active user) matching `raw`, else None.

    The hash is compared in constant time so a timing difference never reveals a near match.
    """
    match = TOKEN_PATTERN.match(raw.strip())
    if match is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match["prefix"]).first()
    if token is None:
        return None
    if not hmac.compare_digest(token.secret_hash, secret_hash(match["secret"])):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    return token


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first; other people's tokens are never listed."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
