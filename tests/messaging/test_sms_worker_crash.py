# ruff: noqa: F811 - the emulator fixture is imported from sms_support
"""A real Celery worker killed (SIGKILL) in the middle of an SMS campaign, then a new worker:
every recipient gets the text at most once, and all but the one in flight get it."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.messaging.sms_support import SIGN, aliyun, allocate, phones, upload_campaign  # noqa: F401
from xiaoyou.core import jobs
from xiaoyou.core.models import Job
from xiaoyou.messaging.models import SmsAllocation, SmsCampaign, SmsMessage
from xiaoyou.messaging.services.sms_campaigns import campaign_start

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_sms_env(aliyun, monkeypatch):
    """The worker reads its settings from the environment: the Aliyun emulator, 5 texts a
    second, leases of 2 seconds."""
    for name, value in {
        "SMS_BACKEND": "aliyun",
        "SMS_ALIYUN_ENDPOINT": aliyun.url + "/",
        "SMS_ALIYUN_ACCESS_KEY_ID": "LTAI5tEmulatorKey",
        "SMS_ALIYUN_ACCESS_KEY_SECRET": "emulator-secret",
        "SMS_SIGN_NAME": SIGN,
        "SMS_TEMPLATES": json.dumps({"campaign": "SMS_200000001:text"}),
        "MESSAGING_SMS_RATE_DEFAULT": "5",
        "MESSAGING_SMS_BATCH": "4",
        "MESSAGING_SMS_LEASE_SECONDS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    return aliyun


@pytest.fixture
def celery_worker_imports(worker_sms_env) -> list[str]:
    # Depends on the environment so that the workers started later inherit it.
    return []


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError


def test_a_killed_worker_and_a_new_one_send_each_text_at_most_once(
    worker_sms_env, start_celery_worker, org_tree, platform_admin, college_admin
):
    emulator = worker_sms_env
    allocate(platform_admin, org_tree.college, 100)
    campaign = upload_campaign(college_admin, org_tree.college, phones(20))
    first = start_celery_worker("sms-first")
    campaign = campaign_start(actor=college_admin, campaign=campaign)
    # campaign_start's job is enqueued on commit: the worker picks it up.
    _wait(lambda: len(emulator.sent) >= 6, 30)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)
    sent_before = len(emulator.sent)
    assert 6 <= sent_before < 20
    time.sleep(2.5)  # the dead worker's leases run out
    # The periodic stale-job requeue finds the job running without progress and sends it again.
    Job.objects.filter(pk=campaign.job_id).update(updated_at=timezone.now() - timedelta(hours=2))
    start_celery_worker("sms-second")
    assert campaign.job_id in jobs.jobs_requeue_stale(older_than=timedelta(minutes=10))
    _wait(lambda: SmsCampaign.objects.get(pk=campaign.pk).status == "completed", 60)
    received = Counter(number for item in emulator.sent for number in item["phone_numbers"])
    assert max(received.values()) == 1, received
    statuses = Counter(
        SmsMessage.objects.filter(campaign=campaign).values_list("status", flat=True)
    )
    assert statuses["sent"] + statuses["unknown"] == 20
    assert statuses["unknown"] <= 1
    assert len(received) >= 19
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert allocation.reserved == 0
    assert allocation.used == statuses["sent"] + statuses["unknown"]
