"""Cross links between organizations outside the tree (sister associations, partners).

Every function takes the acting user (None for commands and fixtures, which are trusted),
checks the policy, runs in one transaction and writes the audit log with a before/after diff.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations import errors
from xiaoyou.organizations.models import LinkKind, Organization, OrganizationLink

# --- Cross links -------------------------------------------------------------------------------


@transaction.atomic
def organization_link_create(
    *,
    actor: Any | None,
    from_org: Organization,
    to_org: Organization,
    kind: str = LinkKind.RELATED,
    note: str = "",
) -> OrganizationLink:
    """Links two organizations outside the tree (sister associations, partners).

    Needs admin rights on `from_org`; the other side may be any active organization. A link
    reads both ways, so a pair is linked at most once whichever side made it.
    """
    from xiaoyou.core import audit, policy

    from_org = Organization.objects.get(pk=from_org.pk)
    to_org = Organization.objects.get(pk=to_org.pk)
    if actor is not None:
        policy.require(actor, "change", from_org)
    if from_org.pk == to_org.pk:
        raise ApplicationError(errors.LINK_TO_ITSELF)
    if kind not in LinkKind.values:
        raise ApplicationError("invalid_input")
    if not from_org.is_active or not to_org.is_active:
        raise ApplicationError(errors.ORGANIZATION_INACTIVE)
    pair = Q(from_org=from_org, to_org=to_org) | Q(from_org=to_org, to_org=from_org)
    if OrganizationLink.objects.filter(pair).exists():
        raise ApplicationError(errors.LINK_EXISTS, status=409)
    link = OrganizationLink.objects.create(
        from_org=from_org, to_org=to_org, kind=kind, note=(note or "").strip()[:200]
    )
    audit.record(
        actor=actor,
        action="organization_link.create",
        obj=link,
        org=from_org,
        changes={"to_org": [None, to_org.pk], "kind": [None, kind]},
    )
    return link


@transaction.atomic
def organization_link_delete(*, actor: Any | None, link: OrganizationLink) -> None:
    """Removes a cross link; the admins of either side may do it."""
    from xiaoyou.core import audit, policy

    if actor is not None:
        policy.require(actor, "delete", link)
    audit.record(
        actor=actor,
        action="organization_link.delete",
        obj=link,
        org=link.from_org,
        changes={"to_org": [link.to_org_id, None], "kind": [link.kind, None]},
    )
    link.delete()
