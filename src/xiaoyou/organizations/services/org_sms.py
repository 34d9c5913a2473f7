"""An organization's SMS balance, bought from the main association (top-ups).

Every function takes the acting user (None for commands and fixtures, which are trusted),
checks the policy, runs in one transaction and writes the audit log with a before/after diff.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization


@transaction.atomic
def organization_sms_top_up(*, actor: Any | None, org: Organization, count: int) -> Organization:
    """Adds `count` messages to the organization's SMS balance (bought from the main
    association): platform admins only. An UPDATE adds to the stored value, so a top-up and a
    concurrent send never lose each other's change."""
    from xiaoyou.core import audit, policy

    if count <= 0:
        raise ApplicationError("invalid_input")
    if actor is not None:
        policy.require(actor, "top_up_sms", org)
    before = Organization.objects.values_list("sms_balance", flat=True).get(pk=org.pk)
    Organization.objects.filter(pk=org.pk).update(sms_balance=F("sms_balance") + count)
    current = Organization.objects.get(pk=org.pk)
    audit.record(
        actor=actor,
        action="organization.sms_top_up",
        obj=current,
        org=current,
        changes={"sms_balance": [before, current.sms_balance]},
    )
    return current
