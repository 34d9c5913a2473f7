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


@transaction.atomic
def role_revoke(*, actor: Any | None, user: Any, org: Organization, role: str) -> bool:
    """Takes `role` in `org` away from `user`; returns whether they held it.

    Admins above the org may revoke any role; anyone may give up their own member role
    (leaving). `actor=None` is the system (a service that has already decided).
    """
    from xiaoyou.core import audit, policy

    if actor is not None and not (
        getattr(actor, "pk", None) == getattr(user, "pk", None) and role == Role.MEMBER
    ):
        policy.require(actor, "manage_roles", org)
    held = OrgRole.objects.filter(user=user, org=org, role=Role(role)).first()
    if held is None:
        return False
    audit.record(
        actor=actor,
        action="role.revoke",
        obj=held,
        org=org,
        changes={"role": [role, None], "user": [str(user), None]},
    )
    held.delete()
    clear_role_cache(user)
    return True
