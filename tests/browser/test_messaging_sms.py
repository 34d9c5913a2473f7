# ruff: noqa: F811 - the emulator fixture is imported from sms_support
"""Browser journeys of SMS (短信管理): the quota refusal shown on the console; a campaign sent by a
real Celery worker through the Aliyun emulator while the progress bar moves; the birthday log
showing today's greetings after the job ran."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from tests.factories import AlumniRecordFactory
from tests.messaging.sms_support import SIGN, aliyun, allocate, phones, upload_campaign  # noqa: F401
from xiaoyou.core.errors import MESSAGES
from xiaoyou.messaging import errors_sms
from xiaoyou.messaging.models import BirthdayGreetingStatus, SmsCampaign, SmsMessage

pytestmark = [pytest.mark.browser]


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


@pytest.mark.django_db(transaction=True)
def test_quota_refusal_is_shown_before_anything_is_sent(
    desktop_page, sign_in, screenshot, org_tree, platform_admin, college_admin, aliyun
):
    allocate(platform_admin, org_tree.college, 2)
    campaign = upload_campaign(college_admin, org_tree.college, phones(5))
    page = desktop_page
    sign_in(page, college_admin)
    page.goto(f"/console/messaging/sms/{campaign.pk}/")
    assert page.locator("[data-preview-row]").count() == 5
    page.click("[data-action=sms-start]")
    page.locator("#confirm-dialog .confirm-ok").click()
    with translation.override("zh-hans"):
        expected = str(MESSAGES[errors_sms.QUOTA_ORG_EXCEEDED]) % {"needed": 5, "remaining": 2}
    page.wait_for_selector(f"text={expected}", timeout=10_000)
    screenshot(page, "sms-quota-refused-desktop")
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert SmsMessage.objects.count() == 0 and aliyun.sent == []


@pytest.fixture
def worker_sends_to_aliyun(aliyun, monkeypatch):
    """The worker process reads its settings from the environment: point it at the emulator and
    pace it at 6 texts a second so the bar is seen moving."""
    environment = {
        "SMS_BACKEND": "aliyun",
        "SMS_ALIYUN_ENDPOINT": aliyun.url + "/",
        "SMS_ALIYUN_ACCESS_KEY_ID": "LTAI5tEmulatorKey",
        "SMS_ALIYUN_ACCESS_KEY_SECRET": "emulator-secret",
        "SMS_SIGN_NAME": SIGN,
        "SMS_TEMPLATES": json.dumps({"campaign": "SMS_200000001:text"}),
        "MESSAGING_SMS_RATE_DEFAULT": "6",
        "MESSAGING_SMS_BATCH": "5",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return aliyun


@pytest.fixture
def celery_worker_imports(worker_sends_to_aliyun) -> list[str]:
    # Depends on the environment so that the worker started for the test inherits it.
    return []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_campaign_is_sent_with_the_progress_bar(
    worker_sends_to_aliyun,
    celery_worker_process,
    desktop_page,
    sign_in,
    screenshot,
    org_tree,
    platform_admin,
    college_admin,
):
    allocate(platform_admin, org_tree.college, 100)
    campaign = upload_campaign(college_admin, org_tree.college, phones(18))
    page = desktop_page
    sign_in(page, college_admin)
    page.goto(f"/console/messaging/sms/{campaign.pk}/")
    page.click("[data-action=sms-start]")
    page.locator("#confirm-dialog .confirm-ok").click()
    page.wait_for_selector("[data-sms-progress] .job-progress", timeout=10_000)
    page.wait_for_function(
        """() => { const bar = document.querySelector('[data-sms-progress] [role=progressbar]');
                 const value = bar && Number(bar.getAttribute('aria-valuenow'));
                 return value > 0 && value < 100; }""",
        timeout=30_000,
    )
    screenshot(page, "sms-campaign-sending-desktop")
    page.wait_for_selector('[data-campaign-status="completed"]', timeout=60_000)
    assert page.locator('[data-status-count="sent"] .stat-value').inner_text() == "18"
    screenshot(page, "sms-campaign-completed-desktop")
    sent = [number for item in worker_sends_to_aliyun.sent for number in item["phone_numbers"]]
    assert sorted(sent) == phones(18)
    assert SmsCampaign.objects.get(pk=campaign.pk).used_segments == 18


@pytest.mark.django_db(transaction=True)
def test_birthday_log_shows_todays_greetings_after_the_job(
    desktop_page, sign_in, screenshot, org_tree, platform_admin, aliyun
):
    from xiaoyou.messaging.services.birthdays import birthday_setting_save, birthdays_send_due

    allocate(platform_admin, org_tree.root, 10)
    birthday_setting_save(
        actor=platform_admin,
        org=org_tree.root,
        is_enabled=True,
        channels=["sms"],
        sms_template="亲爱的{name}，生日快乐！",
        email_subject="",
        email_template="",
        send_time=dt.time(0, 0),
    )
    today = timezone.localdate()
    AlumniRecordFactory(
        org=org_tree.root, name="今天寿星", birth_date=today.replace(year=1988), phone="13900000001"
    )
    AlumniRecordFactory(
        org=org_tree.root,
        name="明天寿星",
        birth_date=(today + dt.timedelta(days=1)).replace(year=1988),
        phone="13900000002",
    )
    assert birthdays_send_due() == 1
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/messaging/sms/birthdays/log")
    table = page.locator("#birthday-log-table")
    assert "今天寿星" in table.inner_text()
    assert "明天寿星" not in table.inner_text()
    assert _zh(BirthdayGreetingStatus.SENT.label) in table.inner_text()
    screenshot(page, "sms-birthday-log-desktop")
