"""Who may do what on API tokens: each person manages their own (platform operators any)."""

from __future__ import annotations

from typing import Any

from xiaoyou.api.models import ApiToken
from xiaoyou.core import policy


def _owner(user: Any, token: ApiToken) -> bool:
    return token.user_id == user.pk


def register() -> None:
    # Tokens belong to a person, not to an organization: no org role, only ownership.
    for action in ("create", "view", "revoke"):
        policy.register(ApiToken, action, role=None, org_field="", check=_owner)
