"""SMS quota (额度): allocations by the platform admins, refusal before anything is sent, atomic
reservations that two concurrent campaigns cannot both overdraw, release on cancel, usage."""

# ruff: noqa: F811 - the emulator fixtures are imported from sms_support
from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import translation

from tests.messaging.sms_support import aliyun, allocate, phones, upload_campaign  # noqa: F401
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import (
    SmsAllocation,
    SmsCampaignStatus,
    SmsMessage,
    SmsQuota,
    SmsUsage,
)
from xiaoyou.messaging.services import quota
from xiaoyou.messaging.services.sms_campaigns import campaign_cancel, campaign_start

pytestmark = pytest.mark.django_db


def test_default_annual_quota_is_100000_segments(settings):
    year = quota.local_today().year
    assert quota.quota_for_year(year).total == 100_000
    settings.MESSAGING_SMS_ANNUAL_QUOTA = 5000
    assert quota.quota_for_year(year + 1).total == 5000


def test_only_platform_admins_allocate_and_allocations_fit_the_quota(
    org_tree, platform_admin, college_admin
):
    year = quota.local_today().year
    with pytest.raises(PermissionDenied):
        quota.allocation_set(actor=college_admin, org=org_tree.college, year=year, allocated=10)
    quota.quota_set(actor=platform_admin, year=year, total=1000)
    allocate(platform_admin, org_tree.college, 600)
    with pytest.raises(ApplicationError) as refused:
        allocate(platform_admin, org_tree.regional, 500)
    assert refused.value.code == errors_sms.ALLOCATIONS_EXCEED_QUOTA
    with pytest.raises(ApplicationError) as refused:
        quota.quota_set(actor=platform_admin, year=year, total=500)
    assert refused.value.code == errors_sms.QUOTA_TOO_LOW
    assert AuditEntry.objects.filter(action="messaging.sms_allocation.set").count() == 1


def test_a_campaign_beyond_the_allocation_is_refused_before_anything_is_sent(
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 5)
    campaign = upload_campaign(college_admin, org_tree.college, phones(6))
    with pytest.raises(ApplicationError) as refused:
        campaign_start(actor=college_admin, campaign=campaign)
    assert refused.value.code == errors_sms.QUOTA_ORG_EXCEEDED
    with translation.override("zh-hans"):
        text = refused.value.text()
    assert "6" in text and "5" in text
    campaign.refresh_from_db()
    assert campaign.status == SmsCampaignStatus.DRAFT
    assert SmsMessage.objects.count() == 0
    assert aliyun.sent == []
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert (allocation.used, allocation.reserved) == (0, 0)


def test_no_allocation_and_the_school_quota_refuse_too(org_tree, platform_admin, college_admin):
    campaign = upload_campaign(college_admin, org_tree.college, phones(2))
    with pytest.raises(ApplicationError) as refused:
        campaign_start(actor=college_admin, campaign=campaign)
    assert refused.value.code == errors_sms.QUOTA_NO_ALLOCATION
    year = quota.local_today().year
    allocate(platform_admin, org_tree.college, 10, total=10)
    # The school's quota is spent elsewhere (e.g. lowered usage from another source).
    SmsQuota.objects.filter(year=year).update(used=9)
    with pytest.raises(ApplicationError) as refused:
        campaign_start(actor=college_admin, campaign=campaign)
    assert refused.value.code == errors_sms.QUOTA_SCHOOL_EXCEEDED
    # The allocation's reservation was undone with the refusal.
    assert SmsAllocation.objects.get(org=org_tree.college).reserved == 0


def test_cancel_releases_the_unspent_reservation(org_tree, platform_admin, college_admin, aliyun):
    allocate(platform_admin, org_tree.college, 100)
    campaign = campaign_start(
        actor=college_admin, campaign=upload_campaign(college_admin, org_tree.college, phones(4))
    )
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert allocation.reserved == 4
    campaign.job.status = "failed"  # the job never ran
    campaign.job.save(update_fields=["status"])
    campaign_cancel(actor=college_admin, campaign=campaign)
    allocation.refresh_from_db()
    assert (allocation.reserved, allocation.used) == (0, 0)
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {"cancelled"}
    assert aliyun.sent == []


def test_charge_counts_usage_per_month(org_tree, platform_admin):
    allocate(platform_admin, org_tree.college, 100)
    year = quota.local_today().year
    quota.quota_reserve(org=org_tree.college, segments=5, year=year)
    quota.quota_charge(org=org_tree.college, year=year, segments=3)
    quota.quota_charge(org=org_tree.college, year=year, segments=2, kind="birthday")
    usage = SmsUsage.objects.get(org=org_tree.college)
    assert (usage.campaign_segments, usage.birthday_segments, usage.total) == (3, 2, 5)
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert (allocation.used, allocation.reserved, allocation.remaining) == (5, 0, 95)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_overdraw(org_tree, platform_admin):
    """Eight threads each reserve 30 of an allocation of 100 at the same moment: exactly three
    succeed (on PostgreSQL the row lock and the re-checked WHERE decide; SQLite serializes)."""
    allocate(platform_admin, org_tree.college, 100)
    year = quota.local_today().year
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def reserve() -> None:
        from django.db import transaction

        try:
            barrier.wait()
            with transaction.atomic():
                quota.quota_reserve(org=org_tree.college, segments=30, year=year)
            result = "ok"
        except ApplicationError as exc:
            result = exc.code
        except Exception as exc:  # SQLite: "database is locked" counts as refused
            result = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=reserve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert allocation.reserved == 30 * outcomes.count("ok")
    assert allocation.reserved <= 100
    if connection.vendor == "postgresql":
        assert outcomes.count("ok") == 3
        assert outcomes.count(errors_sms.QUOTA_ORG_EXCEEDED) == 5
    assert SmsQuota.objects.get(year=year).reserved == allocation.reserved
