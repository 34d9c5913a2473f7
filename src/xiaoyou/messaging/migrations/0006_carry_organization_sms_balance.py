"""Carries each organization's remaining SMS balance (Organization.sms_balance, a counter of
messages that never expired) into its allocation of the current year's SMS quota, so invitations
and event notices draw from the one quota and nobody loses a message they had.

One message of the old balance becomes one segment (a text of up to 70 characters). When the
allocations would then add up to more than the school's annual quota, the quota is raised to
their sum. The schema change that drops the column is organizations' next migration, which
depends on this one.

Reversing gives each organization back, as balance, what is left of its current-year allocation
and lowers the allocation by that much, so migrating forward again restores the same state.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import F, Sum
from django.utils import timezone


def _current_quota(apps: Any) -> Any:
    from xiaoyou.messaging.sms_conf import annual_quota

    SmsQuota = apps.get_model("messaging", "SmsQuota")
    quota, _created = SmsQuota.objects.get_or_create(
        year=timezone.localdate().year, defaults={"total": annual_quota()}
    )
    return quota


def carry_balances(apps: Any, schema_editor: Any) -> None:
    Organization = apps.get_model("organizations", "Organization")
    SmsAllocation = apps.get_model("messaging", "SmsAllocation")
    holders = list(
        Organization.objects.filter(sms_balance__gt=0).values_list("pk", "sms_balance")
    )
    if not holders:
        return
    quota = _current_quota(apps)
    for org_id, balance in holders:
        allocation, _created = SmsAllocation.objects.get_or_create(quota=quota, org_id=org_id)
        SmsAllocation.objects.filter(pk=allocation.pk).update(allocated=F("allocated") + balance)
    allocated = quota.allocations.aggregate(total=Sum("allocated"))["total"] or 0
    if allocated > quota.total:
        type(quota).objects.filter(pk=quota.pk).update(total=allocated)
    Organization.objects.filter(sms_balance__gt=0).update(sms_balance=0)


def restore_balances(apps: Any, schema_editor: Any) -> None:
    Organization = apps.get_model("organizations", "Organization")
    SmsAllocation = apps.get_model("messaging", "SmsAllocation")
    rows = SmsAllocation.objects.filter(quota__year=timezone.localdate().year).values_list(
        "pk", "org_id", "allocated", "used", "reserved"
    )
    for pk, org_id, allocated, used, reserved in list(rows):
        remaining = max(0, allocated - used - reserved)
        if remaining:
            Organization.objects.filter(pk=org_id).update(sms_balance=remaining)
            SmsAllocation.objects.filter(pk=pk).update(allocated=allocated - remaining)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_sms_usage_invitations_notices"),
        ("organizations", "0003_membership_invitations_links"),
    ]

    operations = [migrations.RunPython(carry_balances, restore_balances)]
