"""Writes on organizations: create, and (issue 3) edit, archive, links."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiaoyou.core import branding
from xiaoyou.organizations.models import Organization


@transaction.atomic
def organization_create(
    *, actor: Any | None, name: str, kind: str, parent: Organization | None = None, **fields: Any
) -> Organization:
    """Creates an organization under `parent` and fills its tree path.

    Only platform operators (no actor, i.e. commands, or superusers) and admins of the parent may
    create one; the audit log records it.
    """
    from xiaoyou.core import audit, policy

    if actor is not None:
        if parent is None:
            if not actor.is_superuser:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied("only platform operators create root organizations")
        else:
            policy.require(actor, "add_child", parent)
    org = Organization.objects.create(name=name, kind=kind, parent=parent, **fields)
    parent_path = parent.path if parent else "/"
    org.path = f"{parent_path}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit.record(
        actor=actor, action="organization.create", obj=org, org=org, changes={"name": [None, name]}
    )
    branding.invalidate()
    return org
