# ruff: noqa: F811 - the emulator fixtures are imported from sms_support
"""Console pages of SMS: campaign create/detail/export, the quota dashboard with its refusal
message, allocations by platform admins, birthday settings and log; list query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from tests.factories import AlumniRecordFactory
from tests.messaging.sms_support import (  # noqa: F401
    aliyun,
    allocate,
    console_login,
    phones,
    upload_campaign,
)
from xiaoyou.core import jobs
from xiaoyou.core.errors import MESSAGES
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import BirthdaySetting, SmsAllocation, SmsCampaign
from xiaoyou.messaging.services.sms_campaigns import campaign_start

pytestmark = pytest.mark.django_db


def test_create_a_campaign_from_an_uploaded_list_then_preview_and_start(
    client, org_tree, platform_admin, college_admin, aliyun
):
    allocate(platform_admin, org_tree.college, 100)
    console_login(client, college_admin)
    page = client.get(reverse("console:messaging_sms_campaign_create"))
    assert page.status_code == 200
    assert b"data-sms-counter" in page.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "phones.csv", "姓名,手机\n王芳,13900000001\n李雷,13900000002\n".encode(), "text/csv"
    )
    response = client.post(
        reverse("console:messaging_sms_campaign_create"),
        {
            "name": "年会通知",
            "org": org_tree.college.pk,
            "audience_kind": "upload",
            "upload": upload,
            "body": "{name}校友您好，年会12月举行。",
            "has_opt_out_hint": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    campaign = SmsCampaign.objects.get()
    detail = client.get(response["Location"])
    assert "王芳校友您好，年会12月举行。".encode() in detail.content
    assert b"data-preview-row" in detail.content
    started = client.post(
        reverse("console:messaging_sms_campaign_action", args=[campaign.pk, "start"])
    )
    assert started.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "sending" and campaign.recipient_count == 2
    jobs.job_run(campaign.job_id)
    detail = client.get(reverse("console:messaging_sms_campaign_detail", args=[campaign.pk]))
    assert b'data-status-count="sent"' in detail.content
    export = client.get(
        reverse("console:messaging_sms_campaign_detail", args=[campaign.pk]) + "?export=csv"
    )
    assert export.status_code == 200
    assert "13900000001" in export.content.decode("utf-8-sig")


def test_quota_refusal_is_shown_on_the_console(client, org_tree, platform_admin, college_admin):
    allocate(platform_admin, org_tree.college, 1)
    campaign = upload_campaign(college_admin, org_tree.college, phones(3))
    console_login(client, college_admin)
    response = client.post(
        reverse("console:messaging_sms_campaign_action", args=[campaign.pk, "start"]),
        follow=True,
    )
    with translation.override("zh-hans"):
        expected = str(MESSAGES[errors_sms.QUOTA_ORG_EXCEEDED]) % {"needed": 3, "remaining": 1}
    assert expected in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_only_platform_admins_set_allocations(client, org_tree, platform_admin, college_admin):
    console_login(client, college_admin)
    page = client.get(reverse("console:messaging_quota"))
    assert page.status_code == 200 and b"data-allocation-form" not in page.content
    refused = client.post(
        reverse("console:messaging_quota_allocate"),
        {"org": org_tree.college.pk, "allocated": 100},
    )
    assert refused.status_code == 403
    console_login(client, platform_admin)
    page = client.get(reverse("console:messaging_quota"))
    assert b"data-allocation-form" in page.content
    client.post(
        reverse("console:messaging_quota_allocate"),
        {"org": org_tree.college.pk, "allocated": 100},
    )
    assert SmsAllocation.objects.get(org=org_tree.college).allocated == 100


def test_campaign_list_queries_do_not_grow(
    client, org_tree, platform_admin, college_admin, django_assert_max_num_queries
):
    for index in range(3):
        upload_campaign(college_admin, org_tree.college, phones(2), name=f"通知{index}")
    console_login(client, college_admin)
    url = reverse("console:messaging_sms_campaigns")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(10):
        upload_campaign(college_admin, org_tree.college, phones(2), name=f"更多{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_birthday_settings_and_log(client, org_tree, platform_admin, aliyun):
    allocate(platform_admin, org_tree.root, 10)
    console_login(client, platform_admin)
    response = client.post(
        reverse("console:messaging_birthday_settings"),
        {
            "is_enabled": "on",
            "channels": ["sms"],
            "send_time": "08:00",
            "sms_template": "{name}，生日快乐！",
            "email_subject": "",
            "email_template": "",
        },
    )
    assert response.status_code == 302
    assert BirthdaySetting.objects.get(org=org_tree.root).channels == ["sms"]
    from django.utils import timezone

    today = timezone.localdate()
    born = dt.date(1990, today.month, min(today.day, 28))
    if born.day != today.day:  # the 29th-31st: a date that exists in 1990
        born = dt.date(1992, today.month, today.day) if today.day == 29 else born
    record = AlumniRecordFactory(
        org=org_tree.root, name="寿星", birth_date=born, phone="13900000009"
    )
    client.post(reverse("console:messaging_birthday_run"))
    log = client.get(reverse("console:messaging_birthday_log"))
    if born.day == today.day:
        assert record.name.encode() in log.content
        assert len(aliyun.sent) == 1


def test_another_orgs_admin_cannot_see_a_campaign(client, org_tree, college_admin, regional_admin):
    campaign = upload_campaign(college_admin, org_tree.college, phones(1))
    console_login(client, regional_admin)
    assert (
        client.get(reverse("console:messaging_sms_campaign_detail", args=[campaign.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("console:messaging_sms_campaign_action", args=[campaign.pk, "start"])
        ).status_code
        == 404
    )
    # campaign_start by hand is refused by the policy too.
    with pytest.raises(PermissionDenied):
        campaign_start(actor=regional_admin, campaign=campaign)


def test_the_opt_out_list_is_the_platform_admins(client, org_tree, platform_admin, college_admin):
    from xiaoyou.core.models import AuditEntry
    from xiaoyou.messaging.models import SmsOptOut

    console_login(client, college_admin)
    assert client.get(reverse("console:messaging_sms_opt_outs")).status_code == 403
    console_login(client, platform_admin)
    client.post(reverse("console:messaging_sms_opt_outs"), {"phone": "139 0000 0007"})
    opt_out = SmsOptOut.objects.get(phone="13900000007")
    page = client.get(reverse("console:messaging_sms_opt_outs"))
    assert b"13900000007" in page.content
    client.post(reverse("console:messaging_sms_opt_out_remove", args=[opt_out.pk]))
    assert not SmsOptOut.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="messaging.sms_opt_out").count() == 2
