"""SMS campaigns sent through the real Aliyun/Tencent adapters to their emulators: statuses,
quota charged, exactly once across a crashed worker, pause/resume/cancel, opt-outs, receipts."""

# ruff: noqa: F811 - the emulator fixtures are imported from sms_support
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.emulators import sms_receipts as receipts
from tests.messaging.sms_support import (  # noqa: F401
    SIGN,
    aliyun,
    allocate,
    phones,
    tencent,
    upload_campaign,
)
from xiaoyou.core import jobs
from xiaoyou.core.models import AuditEntry, Job
from xiaoyou.messaging import sms_runner
from xiaoyou.messaging.models import (
    SmsAllocation,
    SmsCampaignStatus,
    SmsMessage,
    SmsOptOut,
)
from xiaoyou.messaging.services.sms_campaigns import (
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_start,
    opt_out_add,
)

pytestmark = pytest.mark.django_db


def _statuses(campaign):
    return Counter(SmsMessage.objects.filter(campaign=campaign).values_list("status", flat=True))


def _started(admin, org, count, **kwargs):
    return campaign_start(
        actor=admin, campaign=upload_campaign(admin, org, phones(count), **kwargs)
    )


def test_a_campaign_is_sent_once_to_each_phone_and_charged(
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 12)
    assert campaign.status == SmsCampaignStatus.SENDING
    outcome = jobs.job_run(campaign.job_id)
    assert outcome.status == "succeeded"
    campaign.refresh_from_db()
    assert campaign.status == SmsCampaignStatus.COMPLETED
    assert _statuses(campaign) == {"sent": 12}
    sent_phones = [number for sent in aliyun.sent for number in sent["phone_numbers"]]
    assert sorted(sent_phones) == phones(12)
    first = aliyun.sent[0]
    assert first["sign_name"] == SIGN and first["template_code"] == "SMS_200000001"
    assert first["params"]["text"].startswith("校友0校友您好")
    job = Job.objects.get(pk=campaign.job_id)
    assert (job.done, job.total, job.status) == (12, 12, "succeeded")
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert (allocation.used, allocation.reserved) == (12, 0)
    assert AuditEntry.objects.filter(action="messaging.sms_campaign.start").count() == 1
    # Running the job's message again sends nothing more.
    Job.objects.filter(pk=job.pk).update(status="queued")
    jobs.job_run(job.pk)
    assert len(aliyun.sent) == 12


def test_long_texts_reserve_and_charge_every_segment(
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 3, body="字" * 100)
    assert campaign.reserved_segments == 3 * 2
    jobs.job_run(campaign.job_id)
    assert SmsAllocation.objects.get(org=org_tree.college).used == 6


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the runner catches it."""


class DyingBackend:
    """The real adapter, but the worker dies during the `die_on`-th send (after the provider
    took it when `after_send`, before otherwise)."""

    def __init__(self, real, die_on, *, after_send):
        self.real, self.die_on, self.after_send, self.calls = real, die_on, after_send, 0
        self.name = real.name

    def send(self, **kwargs):
        self.calls += 1
        if self.calls == self.die_on:
            if self.after_send:
                self.real.send(**kwargs)
            raise WorkerKilled
        return self.real.send(**kwargs)


@pytest.mark.parametrize("after_send", [False, True])
def test_exactly_once_after_a_worker_dies_mid_campaign(
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
    monkeypatch,
    settings,
    after_send,
):
    settings.MESSAGING_SMS_BATCH = 4
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 10)
    real_backend = sms_runner.get_backend()
    dying = DyingBackend(real_backend, 6, after_send=after_send)
    monkeypatch.setattr(sms_runner, "get_backend", lambda: dying)
    with pytest.raises(WorkerKilled):
        jobs.job_run(campaign.job_id)
    statuses = _statuses(campaign)
    assert statuses["sent"] == 5 and statuses["sending"] == 1
    assert statuses["claimed"] == 2  # the rest of the dead worker's batch, never sent
    # The leases run out; the job is sent again (stale requeue) and a new worker runs it.
    SmsMessage.objects.filter(campaign=campaign, lease_until__isnull=False).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    Job.objects.filter(pk=campaign.job_id).update(status="retrying")
    monkeypatch.setattr(sms_runner, "get_backend", lambda: real_backend)
    assert jobs.job_run(campaign.job_id).status == "succeeded"
    sent_phones = Counter(number for sent in aliyun.sent for number in sent["phone_numbers"])
    assert max(sent_phones.values()) == 1  # nobody got the text twice
    assert len(sent_phones) == (10 if after_send else 9)
    assert _statuses(campaign) == {"sent": 9, "unknown": 1}
    campaign.refresh_from_db()
    assert campaign.status == SmsCampaignStatus.COMPLETED
    # The doubtful one is charged (the provider may have billed it); nothing stays reserved.
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert (allocation.used, allocation.reserved) == (10, 0)


def test_pause_resume_and_cancel(org_tree, platform_admin, college_admin, aliyun, settings):
    settings.MESSAGING_SMS_BATCH = 3
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 9)
    first_job = campaign.job_id
    campaign_pause(actor=college_admin, campaign=campaign)
    jobs.job_run(first_job)  # the job finds the campaign paused: sends nothing
    assert aliyun.sent == []
    assert _statuses(campaign) == {"queued": 9}
    campaign = campaign_resume(actor=college_admin, campaign=campaign)
    assert campaign.job_id != first_job
    jobs.job_run(campaign.job_id)
    assert _statuses(campaign) == {"sent": 9}
    # A completed campaign cannot be cancelled.
    with pytest.raises(Exception):
        campaign_cancel(actor=college_admin, campaign=campaign)

    other = _started(college_admin, org_tree.college, 4)
    campaign_cancel(actor=college_admin, campaign=other)
    jobs.job_run(other.job_id)  # the job settles the cancelled campaign
    assert _statuses(other) == {"cancelled": 4}
    allocation = SmsAllocation.objects.get(org=org_tree.college)
    assert (allocation.used, allocation.reserved) == (9, 0)
    assert len(aliyun.sent) == 9


def test_opted_out_phones_are_left_out_and_replies_opt_out(
    client,
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 1000)
    numbers = phones(3)
    opt_out_add(phone=numbers[0], source="staff")
    campaign = _started(college_admin, org_tree.college, 3)
    assert campaign.recipient_count == 2
    # A reply "TD" arrives before the job runs: that phone is skipped at sending time too.
    response = client.post(
        "/m/sms/aliyun/reply/receipt-token",
        receipts.aliyun_reply(numbers[1], "TD", SIGN),
        content_type="application/json",
    )
    assert response.json() == {"code": 0, "msg": "成功"}
    assert SmsOptOut.objects.filter(phone=numbers[1], source="reply").exists()
    jobs.job_run(campaign.job_id)
    assert _statuses(campaign) == {"sent": 1, "opted_out": 1}
    assert [sent["phone_numbers"] for sent in aliyun.sent] == [[numbers[2]]]


def test_aliyun_receipts_set_delivered_and_failed(
    client,
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 4)
    jobs.job_run(campaign.job_id)
    numbers = phones(4)
    payload = receipts.aliyun_report(aliyun, failed={numbers[3]})
    wrong = client.post("/m/sms/aliyun/report/wrong", payload, content_type="application/json")
    assert wrong.status_code == 404
    response = client.post(
        "/m/sms/aliyun/report/receipt-token", payload, content_type="application/json"
    )
    assert response.status_code == 200
    assert _statuses(campaign) == {"delivered": 3, "failed": 1}
    failed = SmsMessage.objects.get(campaign=campaign, phone=numbers[3])
    assert failed.error.startswith("MK:0001")
    assert SmsMessage.objects.filter(delivered_at__isnull=False).count() == 3


def test_tencent_receipts_and_replies(
    client,
    org_tree,
    platform_admin,
    college_admin,
    tencent,
):
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 3)
    jobs.job_run(campaign.job_id)
    assert len(tencent.sent) == 3
    assert tencent.sent[0]["phone"] == "+86" + phones(1)[0]
    payload = receipts.tencent_report(tencent, failed={"+86" + phones(3)[2]})
    response = client.post(
        "/m/sms/tencent/report/receipt-token", payload, content_type="application/json"
    )
    assert response.json() == {"result": 0, "errmsg": "OK"}
    assert _statuses(campaign) == {"delivered": 2, "failed": 1}
    client.post(
        "/m/sms/tencent/reply/receipt-token",
        receipts.tencent_reply(phones(1)[0], "退订", SIGN),
        content_type="application/json",
    )
    assert SmsOptOut.objects.filter(phone=phones(1)[0]).exists()


def test_receipts_pushed_over_http_by_the_emulator_helper(
    live_server,
    org_tree,
    platform_admin,
    college_admin,
    aliyun,
):
    allocate(platform_admin, org_tree.college, 1000)
    campaign = _started(college_admin, org_tree.college, 2)
    jobs.job_run(campaign.job_id)
    answer = receipts.push(
        f"{live_server.url}/m/sms/aliyun/report/receipt-token", receipts.aliyun_report(aliyun)
    )
    assert answer.json()["code"] == 0
    assert _statuses(campaign) == {"delivered": 2}


def test_sending_is_paced_by_the_providers_rate(
    org_tree, platform_admin, college_admin, aliyun, settings
):
    """7 texts at 3 a second through Aliyun: three windows of one second, so about 2 s."""
    import time

    from django.core.cache import cache

    cache.clear()
    settings.MESSAGING_SMS_RATE = {"aliyun": 3}
    allocate(platform_admin, org_tree.college, 100)
    campaign = _started(college_admin, org_tree.college, 7)
    began = time.monotonic()
    jobs.job_run(campaign.job_id)
    assert time.monotonic() - began >= 1.8
    assert len(aliyun.sent) == 7
