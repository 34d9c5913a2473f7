"""Membership rows (会员): activating a membership, with its member role and the main one.

The rules kept here:
- "members of every sub-organization are members of the main association": activating a
  membership below the root also activates (source=implied) the root membership;
- a membership and its OrgRole(member) row change together; a staff import of the same
  verified phone is linked to the account instead of duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoyou.core import audit, fragment_cache
from xiaoyou.organizations.models import (
    Membership,
    MembershipSource,
    MembershipStatus,
    Organization,
    OrgRole,
    Role,
)
from xiaoyou.organizations.services.roles import role_grant

# Cached fragments built from memberships (core.fragment_cache) are rebuilt after a change.
MEMBERSHIP_TOPIC = "organizations.memberships"


def _verified_phone(user: Any) -> str:
    return (getattr(user, "phone", "") or "") if getattr(user, "phone_verified", False) else ""


def _imported_membership(user: Any, org: Organization) -> Membership | None:
    """The staff-imported, still unlinked membership of the user's verified phone in `org`."""
    phone = _verified_phone(user)
    if not phone:
        return None
    return (
        Membership.objects.select_for_update()
        .filter(org=org, user__isnull=True, phone=phone)
        .exclude(status=MembershipStatus.BANNED)
        .first()
    )


# --- Membership rows ------------------------------------------------------------------------


def membership_activate(
    *,
    actor: Any | None,
    org: Organization,
    user: Any,
    source: str,
    answers: Mapping[str, Any] | None = None,
    alumni_record: Any = None,
) -> Membership:
    """Makes `user` an active member of `org` (creating, re-activating or linking the row).

    Called by the join services once the decision is made (no policy check here). A staff import
    of the user's verified phone is linked to the account instead of duplicated. The member role
    is granted, and below the root the main association's membership follows (source=implied).
    """
    now = timezone.now()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(org=org, user=user).first()
        imported = _imported_membership(user, org)
        if membership is None and imported is not None:
            membership, imported = imported, None
            membership.user = user
        if membership is None:
            membership = Membership.objects.create(
                org=org,
                user=user,
                name=_person_name(user),
                phone=getattr(user, "phone", "") or "",
                status=MembershipStatus.ACTIVE,
                source=source,
                joined_at=now,
                answers=dict(answers or {}),
                alumni_record=alumni_record,
            )
            changes: dict[str, Any] = {"status": [None, MembershipStatus.ACTIVE.value]}
        else:
            before = membership.status
            if membership.status != MembershipStatus.ACTIVE:
                membership.status = MembershipStatus.ACTIVE
                membership.joined_at = now
                membership.ended_at = None
                membership.end_reason = ""
                membership.source = source
            if answers is not None and (answers or not membership.answers):
                membership.answers = dict(answers)
            if alumni_record is not None:
                membership.alumni_record = alumni_record
            membership.name = membership.name or _person_name(user)
            membership.phone = membership.phone or getattr(user, "phone", "") or ""
            membership.save(
                update_fields=[
                    "user",
                    "status",
                    "joined_at",
                    "ended_at",
                    "end_reason",
                    "source",
                    "answers",
                    "alumni_record",
                    "name",
                    "phone",
                    "updated_at",
                ]
            )
            changes = {"status": [before, MembershipStatus.ACTIVE.value]}
        if imported is not None:
            # The person had both an account row and a staff import: keep one.
            _merge_imported(into=membership, imported=imported)
        if not OrgRole.objects.filter(user=user, org=org, role=Role.MEMBER).exists():
            role_grant(actor=None, user=user, org=org, role=Role.MEMBER)
        changes["source"] = [None, membership.source]
        audit.record(
            actor=actor, action="membership.activate", obj=membership, org=org, changes=changes
        )
        if org.parent_id is not None:
            _ensure_main_membership(actor=actor, org=org, user=user, alumni_record=alumni_record)
        fragment_cache.invalidate(MEMBERSHIP_TOPIC)  # the hall home's "recently joined"
    return membership


def _merge_imported(*, into: Membership, imported: Membership) -> None:
    if into.alumni_record_id is None and imported.alumni_record_id is not None:
        into.alumni_record_id = imported.alumni_record_id
        into.save(update_fields=["alumni_record", "updated_at"])
    into.groups.add(*imported.groups.all())
    imported.delete()


def _ensure_main_membership(
    *, actor: Any | None, org: Organization, user: Any, alumni_record: Any
) -> None:
    from xiaoyou.organizations import selectors_membership as selectors

    root = selectors.root_of(org)
    existing = Membership.objects.filter(org=root, user=user).first()
    if existing is not None and existing.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.BANNED,
    ):
        if not OrgRole.objects.filter(user=user, org=root, role=Role.MEMBER).exists() and (
            existing.status == MembershipStatus.ACTIVE
        ):
            role_grant(actor=None, user=user, org=root, role=Role.MEMBER)
        return
    membership_activate(
        actor=actor,
        org=root,
        user=user,
        source=MembershipSource.IMPLIED,
        answers=None,
        alumni_record=alumni_record,
    )


def _person_name(user: Any) -> str:
    return (getattr(user, "display_name", "") or str(user))[:100]
