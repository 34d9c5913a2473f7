"""Archiving, restoring and moving organizations in the tree.

Every function takes the acting user (None for commands and fixtures, which are trusted),
checks the policy, runs in one transaction and writes the audit log with a before/after diff.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from xiaoyou.core import branding
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import Organization

# --- Archive, restore, move ---------------------------------------------------------------------


@transaction.atomic
def organization_archive(*, actor: Any | None, org: Organization, reason: str) -> Organization:
    """Disbands (archives) `org`: it leaves the directory and the console switcher, its admins'
    rights through it end, and everything it holds (members, requests, history) is kept.

    Decided by the admins above it (of its parent or higher), with a reason. Refused for the
    main association and while it has active sub-organizations.
    """
    from xiaoyou.core import audit, policy

    current = (
        Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=org.pk)
    )
    if actor is not None:
        policy.require(actor, "archive", current)
    reason = (reason or "").strip()
    if current.parent_id is None:
        raise ApplicationError(errors.CANNOT_ARCHIVE_ROOT)
    if not current.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    if not reason:
        raise ApplicationError(errors.ARCHIVE_REASON_REQUIRED)
    if current.children.filter(is_active=True).exists():
        raise ApplicationError(errors.HAS_ACTIVE_CHILDREN, status=409)
    fields = ["is_active", "archived_at", "archive_reason"]
    before = audit.snapshot(current, fields)
    current.is_active = False
    current.archived_at = timezone.now()
    current.archive_reason = reason[:300]
    current.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="organization.archive",
        obj=current,
        org=current,
        changes=audit.diff(before, audit.snapshot(current, fields)),
    )
    return current


@transaction.atomic
def organization_restore(*, actor: Any | None, org: Organization) -> Organization:
    """Brings an archived organization back, as it was; its parent must be active. The reason
    it was archived stays in the audit log."""
    from xiaoyou.core import audit, policy

    current = (
        Organization.objects.select_for_update(of=("self",)).select_related("parent").get(pk=org.pk)
    )
    if actor is not None:
        policy.require(actor, "restore", current)
    if current.is_active:
        raise ApplicationError(errors.NOT_ARCHIVED)
    if current.parent is not None and not current.parent.is_active:
        raise ApplicationError(errors.PARENT_ARCHIVED)
    fields = ["is_active", "archived_at", "archive_reason"]
    before = audit.snapshot(current, fields)
    current.is_active = True
    current.archived_at = None
    current.archive_reason = ""
    current.save(update_fields=[*fields, "updated_at"])
    audit.record(
        actor=actor,
        action="organization.restore",
        obj=current,
        org=current,
        changes=audit.diff(before, audit.snapshot(current, fields)),
    )
    return current


@transaction.atomic
def organization_move(
    *, actor: Any | None, org: Organization, parent: Organization
) -> Organization:
    """Moves `org` with its whole branch under `parent` (reparenting): platform admins only.

    The materialized paths of the branch are rewritten by one UPDATE that swaps the old path
    prefix for the new one (and shifts the depths), so the branch keeps its shape whatever its
    size. Refused for the main association, under the organization itself or its own branch,
    and under an archived parent.
    """
    from xiaoyou.core import audit, policy

    current = Organization.objects.select_for_update().get(pk=org.pk)
    target = Organization.objects.select_for_update().get(pk=parent.pk)
    if actor is not None:
        policy.require(actor, "move", current)
    if current.parent_id is None:
        raise ApplicationError(errors.CANNOT_MOVE_ROOT)
    if target.path.startswith(current.path):
        raise ApplicationError(errors.MOVE_INTO_SUBTREE)
    if not target.is_active:
        raise ApplicationError(errors.PARENT_ARCHIVED)
    if current.parent_id == target.pk:
        return current
    old_path = current.path
    old_parent_id = current.parent_id
    new_path = f"{target.path}{current.pk}/"
    shift = target.depth + 1 - current.depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + shift,
    )
    Organization.objects.filter(pk=current.pk).update(parent=target)
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action="organization.move",
        obj=current,
        org=current,
        changes={"parent": [old_parent_id, target.pk], "path": [old_path, current.path]},
    )
    branding.invalidate()
    return current
