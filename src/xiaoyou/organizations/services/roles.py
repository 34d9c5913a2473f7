"""Writes on organization roles (member, admin, president)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.organizations.models import Organization, OrgRole, Role
from xiaoyou.organizations.selectors import clear_role_cache


@transaction.atomic
def role_grant(*, actor: Any | None, user: Any, org: Organization, role: str) -> OrgRole:
    """Gives `user` a role in `org`; granting admin or president needs admin rights above it."""
    from xiaoyou.core import audit, policy

    if actor is not None:
        policy.require(actor, "manage_roles", org)
    granted, _created = OrgRole.objects.get_or_create(user=user, org=org, role=Role(role))
    clear_role_cache(user)
    audit.record(
        actor=actor,
        action="role.grant",
        obj=granted,
        org=org,
        changes={"role": [None, role], "user": [None, str(user)]},
    )
    return granted
