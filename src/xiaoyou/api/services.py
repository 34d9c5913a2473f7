"""Writes of the API app: personal tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.api import errors
from xiaoyou.api.models import ApiToken
from xiaoyou.api.selectors import secret_hash
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError

# last_used_at is written at most this often per token, so busy scripts do not write every call.
LAST_USED_RESOLUTION_SECONDS = 60


@transaction.atomic
def api_token_create(
    *, actor: Any, user: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Creates a token for `user` and returns it with the full token string, shown only once.

    Only the owner (or a platform operator) may create one; the secret itself is never stored,
    only its SHA-256 hash.
    """
    policy.require(actor, "create", ApiToken(user=user))
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=prefix,
        secret_hash=secret_hash(secret),
        expires_at=expires_at,
    )
    audit.record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"name": [None, token.name], "expires_at": [None, _iso(expires_at)]},
    )
    return token, f"xy_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revokes a token at once; revoking twice is an error so the UI can say so."""
    policy.require(actor, "revoke", token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ApplicationError(errors.TOKEN_ALREADY_REVOKED, status=409)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        changes={"revoked_at": [None, _iso(token.revoked_at)]},
    )
    return token


def api_token_mark_used(*, token: ApiToken, now: datetime | None = None) -> None:
    """Remembers when a token was last used, at most once a minute (a conditional UPDATE)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
