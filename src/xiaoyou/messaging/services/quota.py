"""SMS quota (额度): the school's annual quota, per-organization allocations, reservations.

Unit: billed segments (see messaging/sms_text.py). Rules:
- The school has one quota per calendar year (Asia/Shanghai), created on first use with
  MESSAGING_SMS_ANNUAL_QUOTA segments; platform admins change it and set each organization's
  allocation. Allocations never add up to more than the quota, and neither can go below what
  is already used or reserved.
- An organization sends only from its own allocation, and only while the school's quota has
  room too. Sending reserves the segments first (`quota_reserve`): two conditional UPDATEs
  (allocation, then school) whose WHERE clauses say "enough left", in one transaction, so two
  campaigns started at the same moment cannot both overdraw (the database serializes the
  updates of a row and re-checks the condition). A refusal raises before anything is sent.
- Each message handed to the provider moves its segments from reserved to used
  (`quota_charge`); what was reserved and not sent is given back (`quota_release`) when a
  campaign completes, is cancelled or fails.
- Every SMS the platform sends on behalf of an organization goes through these three calls:
  campaigns and birthday greetings here, invitations (organizations) and event notices
  (events) from their apps. `kind` says which, for the usage dashboard (USAGE_FIELDS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.messaging import errors_sms as errors
from xiaoyou.messaging.models import SmsAllocation, SmsQuota, SmsUsage
from xiaoyou.messaging.sms_conf import annual_quota

# What sent the segments -> the SmsUsage column counting them.
USAGE_FIELDS = {
    "campaign": "campaign_segments",
    "birthday": "birthday_segments",
    "invitation": "invitation_segments",
    "notice": "notice_segments",
}


def local_today() -> dt.date:
    return timezone.localdate()


def quota_for_year(year: int) -> SmsQuota:
    """The school's quota of `year`, created with the configured default on first use."""
    quota = SmsQuota.objects.filter(year=year).first()
    if quota is not None:
        return quota
    try:
        with transaction.atomic():
            return SmsQuota.objects.create(year=year, total=annual_quota())
    except IntegrityError:  # created by a concurrent request
        return SmsQuota.objects.get(year=year)


def quota_set(*, actor: Any, year: int, total: int) -> SmsQuota:
    """Sets the school's annual quota. Rule: platform admins only; not below the allocations
    already made, nor below what is used and reserved."""
    quota = quota_for_year(year)
    policy.require(actor, "manage", quota)
    with transaction.atomic():
        quota = SmsQuota.objects.select_for_update().get(pk=quota.pk)
        allocated = quota.allocations.aggregate(total=Sum("allocated"))["total"] or 0
        floor = max(allocated, quota.used + quota.reserved)
        if total < floor:
            raise ApplicationError(errors.QUOTA_TOO_LOW, allocated=floor)
        before = quota.total
        quota.total = total
        quota.save(update_fields=["total", "updated_at"])
        audit.record(
            actor=actor,
            action="messaging.sms_quota.set",
            obj=quota,
            org=None,
            changes={"total": [before, total]},
        )
    return quota


def allocation_set(*, actor: Any | None, org: Any, year: int, allocated: int) -> SmsAllocation:
    """Sets an organization's allocation for `year`. Rule: platform admins only (actor None:
    commands and the demo seed, which are trusted); the allocations of the year add up to at
    most the quota; never below what the organization has used and reserved."""
    quota = quota_for_year(year)
    if actor is not None:
        policy.require(actor, "manage", quota)
    if allocated < 0:
        raise ApplicationError("invalid_input")
    with transaction.atomic():
        quota = SmsQuota.objects.select_for_update().get(pk=quota.pk)
        allocation, _created = SmsAllocation.objects.get_or_create(quota=quota, org=org)
        allocation = SmsAllocation.objects.select_for_update().get(pk=allocation.pk)
        spent = allocation.used + allocation.reserved
        if allocated < spent:
            raise ApplicationError(errors.ALLOCATION_TOO_LOW, spent=spent)
        others = (
            quota.allocations.exclude(pk=allocation.pk).aggregate(total=Sum("allocated"))["total"]
            or 0
        )
        if others + allocated > quota.total:
            raise ApplicationError(
                errors.ALLOCATIONS_EXCEED_QUOTA, total=others + allocated, quota=quota.total
            )
        before = allocation.allocated
        allocation.allocated = allocated
        allocation.save(update_fields=["allocated", "updated_at"])
        audit.record(
            actor=actor,
            action="messaging.sms_allocation.set",
            obj=allocation,
            org=org,
            changes={"allocated": [before, allocated], "year": [year, year]},
        )
    return allocation


def quota_reserve(*, org: Any, segments: int, year: int | None = None) -> SmsAllocation:
    """Reserves `segments` of the organization's allocation and of the school's quota, or raises
    ApplicationError (nothing reserved). Call inside the caller's transaction."""
    year = year or local_today().year
    quota = quota_for_year(year)
    allocation = SmsAllocation.objects.filter(quota=quota, org=org).first()
    if allocation is None or allocation.allocated == 0:
        raise ApplicationError(errors.QUOTA_NO_ALLOCATION, status=409)
    if segments <= 0:
        return allocation
    with transaction.atomic():
        taken = SmsAllocation.objects.filter(
            pk=allocation.pk, allocated__gte=F("used") + F("reserved") + segments
        ).update(reserved=F("reserved") + segments, updated_at=timezone.now())
        if taken != 1:
            allocation.refresh_from_db()
            raise ApplicationError(
                errors.QUOTA_ORG_EXCEEDED,
                status=409,
                needed=segments,
                remaining=allocation.remaining,
            )
        taken = SmsQuota.objects.filter(
            pk=quota.pk, total__gte=F("used") + F("reserved") + segments
        ).update(reserved=F("reserved") + segments, updated_at=timezone.now())
        if taken != 1:
            quota.refresh_from_db()
            # Leaving the atomic block by this exception undoes the allocation's reservation.
            raise ApplicationError(
                errors.QUOTA_SCHOOL_EXCEEDED,
                status=409,
                needed=segments,
                remaining=quota.remaining,
            )
    allocation.refresh_from_db()
    return allocation


def allocation_for(*, org: Any, year: int | None = None) -> SmsAllocation | None:
    """The organization's allocation of `year` (default: this year), or None without one."""
    year = year or local_today().year
    return SmsAllocation.objects.filter(quota__year=year, org=org).first()


def quota_charge(*, org: Any, year: int, segments: int, kind: str = "campaign") -> None:
    """Moves `segments` from reserved to used (messages handed to the provider) and counts them
    in the organization's month (`kind`: a key of USAGE_FIELDS)."""
    if segments <= 0:
        return
    field = USAGE_FIELDS[kind]
    now = timezone.now()
    with transaction.atomic():
        SmsAllocation.objects.filter(quota__year=year, org=org).update(
            reserved=F("reserved") - segments, used=F("used") + segments, updated_at=now
        )
        SmsQuota.objects.filter(year=year).update(
            reserved=F("reserved") - segments, used=F("used") + segments, updated_at=now
        )
        month = local_today().replace(day=1)
        usage, _created = SmsUsage.objects.get_or_create(org=org, month=month)
        SmsUsage.objects.filter(pk=usage.pk).update(**{field: F(field) + segments})


def quota_release(*, org: Any, year: int, segments: int) -> None:
    """Gives back reserved segments that will not be sent."""
    if segments <= 0:
        return
    now = timezone.now()
    with transaction.atomic():
        SmsAllocation.objects.filter(quota__year=year, org=org).update(
            reserved=F("reserved") - segments, updated_at=now
        )
        SmsQuota.objects.filter(year=year).update(reserved=F("reserved") - segments, updated_at=now)
