"""The job that sends an SMS campaign: claimed rows, leases, exactly once per recipient.

Each pass claims a batch of queued rows for this run (status claimed, lease_owner, lease_until)
with conditional UPDATEs, then for each row:
1. claimed -> sending (only if this run still holds the lease): from here on the row is never
   handed out again;
2. the provider's send, paced by the per-provider rate limit (shared through the cache);
3. sending -> sent with the provider's id, or failed with the provider's error code.
After each batch `charge_sync` charges the quota for what the rows say the provider took
(sent, and unknown), so charging survives a crash between a send and its bookkeeping.

A worker that dies leaves rows claimed or sending. Another run (the job's retry, the stale-job
requeue, a resume) takes claimed rows whose lease has expired back to queued: they were never
sent. Sending rows whose lease has expired become unknown and are never sent again (the
provider may have taken them): no recipient gets a text twice, and at most the one message in
the provider's hands at the moment of the crash is in doubt (it is charged, as the provider
bills it if it went out).

Pause and cancel are read between two messages; a paused run gives back the rows it holds.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import jobs, ratelimit
from xiaoyou.core.sms import SmsError, get_backend
from xiaoyou.messaging import sms_conf
from xiaoyou.messaging.models import (
    SmsCampaign,
    SmsCampaignStatus,
    SmsMessage,
    SmsMessageStatus,
    SmsOptOut,
)
from xiaoyou.messaging.services.quota import quota_charge
from xiaoyou.messaging.services.sms_campaigns import JOB_KIND, campaign_settle

logger = logging.getLogger(__name__)

# The logical SMS template of campaign texts (settings.SMS_TEMPLATES maps it to the provider's
# approved template with one parameter, "text").
TEMPLATE = "campaign"
# The campaign's status is read again after this many messages.
STATUS_CHECK_EVERY = 10


def e164(phone: str) -> str:
    """The adapters' form of a phone: +86 before a mainland number."""
    return phone if phone.startswith("+") else f"+86{phone}"


def recover_expired(campaign_id: int) -> tuple[int, int]:
    """Rows of dead runs: claimed back to queued, sending to unknown (charged). Returns counts."""
    now = timezone.now()
    requeued = SmsMessage.objects.filter(
        campaign_id=campaign_id, status=SmsMessageStatus.CLAIMED, lease_until__lt=now
    ).update(status=SmsMessageStatus.QUEUED, lease_owner="", lease_until=None)
    doubtful = SmsMessage.objects.filter(
        campaign_id=campaign_id, status=SmsMessageStatus.SENDING, lease_until__lt=now
    ).update(status=SmsMessageStatus.UNKNOWN, lease_owner="")
    charge_sync(campaign_id)
    return requeued, doubtful


def claim_batch(campaign_id: int, owner: str, size: int) -> list[int]:
    """Claims up to `size` queued rows for `owner`; the conditional UPDATE decides races."""
    until = timezone.now() + timedelta(seconds=sms_conf.lease_seconds())
    candidates = list(
        SmsMessage.objects.filter(campaign_id=campaign_id, status=SmsMessageStatus.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not candidates:
        return []
    SmsMessage.objects.filter(pk__in=candidates, status=SmsMessageStatus.QUEUED).update(
        status=SmsMessageStatus.CLAIMED, lease_owner=owner, lease_until=until
    )
    return list(
        SmsMessage.objects.filter(
            pk__in=candidates, status=SmsMessageStatus.CLAIMED, lease_owner=owner
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def charge_sync(campaign_id: int) -> int:
    """Charges the quota for the campaign's messages the provider took (sent, delivered, failed
    after sending) or may have taken (unknown) and that are not charged yet; returns the
    segments charged now.

    Rule: the rows are the truth. The campaign's `used_segments` moves from what this run read
    to the new sum by a conditional UPDATE, so two runs never charge the same segments and a
    crash between a send and its charge is made good by the next sync.
    """
    campaign = SmsCampaign.objects.select_related("org").get(pk=campaign_id)
    spent = (
        SmsMessage.objects.filter(campaign_id=campaign_id)
        .filter(Q(sent_at__isnull=False) | Q(status=SmsMessageStatus.UNKNOWN))
        .aggregate(total=Sum("segments"))["total"]
        or 0
    )
    delta = spent - campaign.used_segments
    if delta <= 0:
        return 0
    with transaction.atomic():
        moved = SmsCampaign.objects.filter(
            pk=campaign_id, used_segments=campaign.used_segments
        ).update(used_segments=spent)
        if moved != 1:
            return 0  # another run charged meanwhile; the next sync sees its result
        if campaign.quota_year:
            quota_charge(org=campaign.org, year=campaign.quota_year, segments=delta)
    return delta


def _throttle(provider: str) -> None:
    rate = sms_conf.rate_per_second(provider)
    while not ratelimit.hit(f"messaging.sms.rate:{provider}", rate, 1):
        time.sleep(0.05)


def _status(campaign_id: int) -> str:
    return str(SmsCampaign.objects.filter(pk=campaign_id).values_list("status", flat=True)[0])


def send_one(message: SmsMessage, owner: str, backend: Any, *, opted_out: bool = False) -> str:
    """Sends one claimed row; returns its new status ('' when the lease was lost)."""
    until = timezone.now() + timedelta(seconds=sms_conf.lease_seconds())
    if opted_out:
        SmsMessage.objects.filter(
            pk=message.pk, status=SmsMessageStatus.CLAIMED, lease_owner=owner
        ).update(status=SmsMessageStatus.OPTED_OUT, lease_owner="")
        return SmsMessageStatus.OPTED_OUT
    taken = SmsMessage.objects.filter(
        pk=message.pk, status=SmsMessageStatus.CLAIMED, lease_owner=owner
    ).update(status=SmsMessageStatus.SENDING, lease_until=until)
    if taken != 1:
        return ""
    _throttle(backend.name)
    try:
        result = backend.send(
            phone=e164(message.phone), template=TEMPLATE, params={"text": message.text}
        )
    except SmsError as exc:
        SmsMessage.objects.filter(pk=message.pk, status=SmsMessageStatus.SENDING).update(
            status=SmsMessageStatus.FAILED,
            provider=backend.name,
            error=f"{exc.code}: {exc.message}"[:200],
            lease_owner="",
        )
        return SmsMessageStatus.FAILED
    SmsMessage.objects.filter(pk=message.pk, status=SmsMessageStatus.SENDING).update(
        status=SmsMessageStatus.SENT,
        provider=result.provider,
        provider_message_id=result.message_id[:80],
        sent_at=timezone.now(),
        lease_owner="",
    )
    return SmsMessageStatus.SENT


MAX_RETRIES = 5


def run_campaign(context: jobs.JobContext) -> dict[str, Any]:
    """The job runner: sends the campaign's queued rows until done, paused or cancelled.

    When the last attempt fails (the provider unreachable for good), the campaign is paused
    with its rows queued: an admin resumes it later or cancels it, which gives the unspent
    reservation back.
    """
    try:
        return _run(context)
    except Exception:
        if context.job.attempts > MAX_RETRIES:
            campaign_id = int(context.params["campaign_id"])
            SmsCampaign.objects.filter(pk=campaign_id, status=SmsCampaignStatus.SENDING).update(
                status=SmsCampaignStatus.PAUSED
            )
            SmsMessage.objects.filter(
                campaign_id=campaign_id, status=SmsMessageStatus.CLAIMED
            ).update(status=SmsMessageStatus.QUEUED, lease_owner="", lease_until=None)
        raise


def _run(context: jobs.JobContext) -> dict[str, Any]:
    campaign_id = int(context.params["campaign_id"])
    campaign = SmsCampaign.objects.select_related("org").get(pk=campaign_id)
    owner = uuid.uuid4().hex
    backend = get_backend()
    recover_expired(campaign_id)
    total = campaign.recipient_count
    already = _finished_count(campaign_id)
    handled = 0
    stopped = False
    while not stopped and _status(campaign_id) == SmsCampaignStatus.SENDING:
        claimed = claim_batch(campaign_id, owner, sms_conf.batch_size())
        if not claimed:
            break
        batch = list(
            SmsMessage.objects.filter(pk__in=claimed)
            .order_by("pk")
            .only("pk", "phone", "text", "segments")
        )
        # The opt-out list is read again just before sending (a reply TD since the start).
        opted_out = set(
            SmsOptOut.objects.filter(phone__in=[message.phone for message in batch]).values_list(
                "phone", flat=True
            )
        )
        for index, message in enumerate(batch):
            if index % STATUS_CHECK_EVERY == 0 and _status(campaign_id) != (
                SmsCampaignStatus.SENDING
            ):
                stopped = True
                break
            send_one(message, owner, backend, opted_out=message.phone in opted_out)
            handled += 1
            context.progress(already + handled, total)
        charge_sync(campaign_id)
    # Rows this run still holds go back to the queue (paused) or are cancelled.
    status = _status(campaign_id)
    leftover = SmsMessage.objects.filter(
        campaign_id=campaign_id, status=SmsMessageStatus.CLAIMED, lease_owner=owner
    )
    if status == SmsCampaignStatus.CANCELLED:
        leftover.update(status=SmsMessageStatus.CANCELLED, lease_owner="")
        SmsMessage.objects.filter(campaign_id=campaign_id, status=SmsMessageStatus.QUEUED).update(
            status=SmsMessageStatus.CANCELLED
        )
    else:
        leftover.update(status=SmsMessageStatus.QUEUED, lease_owner="", lease_until=None)
    if (
        status == SmsCampaignStatus.SENDING
        and not SmsMessage.objects.filter(
            campaign_id=campaign_id,
            status__in=[
                SmsMessageStatus.QUEUED,
                SmsMessageStatus.CLAIMED,
                SmsMessageStatus.SENDING,
            ],
        ).exists()
    ):
        SmsCampaign.objects.filter(pk=campaign_id, status=SmsCampaignStatus.SENDING).update(
            status=SmsCampaignStatus.COMPLETED, finished_at=timezone.now()
        )
    charge_sync(campaign_id)
    released = campaign_settle(campaign_id=campaign_id)
    context.progress(_finished_count(campaign_id), total)
    return {"sent_by_this_run": handled, "released_segments": released}


def _finished_count(campaign_id: int) -> int:
    return (
        SmsMessage.objects.filter(campaign_id=campaign_id)
        .exclude(
            status__in=[SmsMessageStatus.QUEUED, SmsMessageStatus.CLAIMED, SmsMessageStatus.SENDING]
        )
        .count()
    )


def _may_start(user: Any, org: Any) -> bool:
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    return org is not None and has_role(user, org, Role.ADMIN)


def register() -> None:
    jobs.register_job(
        JOB_KIND, run_campaign, _("Send SMS campaign"), _may_start, max_retries=MAX_RETRIES
    )
