"""Member groups (分组): named groups of members inside one organization, kept by its admins."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import MemberGroup, Membership, Organization


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())[:60]
    if not name:
        raise ApplicationError(member_errors.GROUP_NAME_REQUIRED)
    return name


def member_group_create(
    *, actor: Any, org: Organization, name: str, description: str = ""
) -> MemberGroup:
    """A new group in `org` (admins of the org or above); names are unique within the org."""
    policy.require(actor, "manage", MemberGroup, org=org)
    name = _clean_name(name)
    try:
        with transaction.atomic():
            group = MemberGroup.objects.create(
                org=org, name=name, description=(description or "").strip()[:200]
            )
            audit.record(
                actor=actor,
                action="member_group.create",
                obj=group,
                org=org,
                changes={"name": [None, name]},
            )
    except IntegrityError:
        raise ApplicationError(member_errors.GROUP_NAME_TAKEN, status=409) from None
    return group


def member_group_rename(
    *, actor: Any, group: MemberGroup, name: str, description: str | None = None
) -> MemberGroup:
    """Renames a group (and changes its description when given)."""
    policy.require(actor, "manage", group)
    name = _clean_name(name)
    before = audit.snapshot(group, ["name", "description"])
    group.name = name
    if description is not None:
        group.description = description.strip()[:200]
    try:
        with transaction.atomic():
            group.save(update_fields=["name", "description", "updated_at"])
            audit.record(
                actor=actor,
                action="member_group.rename",
                obj=group,
                org=group.org,
                changes=audit.diff(before, audit.snapshot(group, ["name", "description"])),
            )
    except IntegrityError:
        group.name = before["name"]
        raise ApplicationError(member_errors.GROUP_NAME_TAKEN, status=409) from None
    return group


@transaction.atomic
def member_group_delete(*, actor: Any, group: MemberGroup) -> None:
    """Deletes a group; its members stay members (only the grouping goes)."""
    policy.require(actor, "manage", group)
    audit.record(
        actor=actor,
        action="member_group.delete",
        obj=group,
        org=group.org,
        changes={"name": [group.name, None], "members": [group.members.count(), None]},
    )
    group.delete()


def _of_group_org(group: MemberGroup, memberships: Iterable[Membership]) -> list[Membership]:
    # Only members of the group's own organization can be in it; others are skipped.
    return [membership for membership in memberships if membership.org_id == group.org_id]


@transaction.atomic
def members_assign_group(
    *, actor: Any, group: MemberGroup, memberships: Iterable[Membership]
) -> int:
    """Adds the memberships of the group's org to the group; returns how many were added."""
    policy.require(actor, "manage", group)
    chosen = _of_group_org(group, memberships)
    existing = set(group.members.filter(pk__in=[m.pk for m in chosen]).values_list("pk", flat=True))
    added = [membership for membership in chosen if membership.pk not in existing]
    group.members.add(*added)
    if added:
        audit.record(
            actor=actor,
            action="member_group.assign",
            obj=group,
            org=group.org,
            changes={"members": [None, [membership.pk for membership in added]]},
        )
    return len(added)


@transaction.atomic
def members_unassign_group(
    *, actor: Any, group: MemberGroup, memberships: Iterable[Membership]
) -> int:
    """Takes the memberships out of the group; returns how many were in it."""
    policy.require(actor, "manage", group)
    chosen = _of_group_org(group, memberships)
    present = list(group.members.filter(pk__in=[m.pk for m in chosen]).values_list("pk", flat=True))
    group.members.remove(*present)
    if present:
        audit.record(
            actor=actor,
            action="member_group.unassign",
            obj=group,
            org=group.org,
            changes={"members": [present, None]},
        )
    return len(present)
