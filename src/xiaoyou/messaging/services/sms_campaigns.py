"""SMS campaigns (短信群发): create, start (recipients fixed and quota reserved), pause, resume,
cancel; opt-outs. The sending itself is the job in messaging/sms_runner.py.

Rules:
- Only an admin of the campaign's organization (or above) acts on it (policy_sms).
- Starting fixes the recipient list (one SmsMessage per phone, opt-outs and deceased alumni left
  out by the audience resolver), computes every text's segments with the signature and the
  opt-out hint, and reserves their sum from the quota in the same transaction: a refusal
  rolls everything back and nothing is sent.
- Pausing stops the job between two messages; resuming starts a new job on the rows still
  queued. Cancelling marks the queued rows cancelled; the reservation not spent is given back
  once (`campaign_settle`), by the job when it is running, else by the cancel itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.jobs import job_create
from xiaoyou.core.models import JobStatus
from xiaoyou.messaging import errors_sms as errors
from xiaoyou.messaging import sms_text
from xiaoyou.messaging.models import (
    SmsAudienceSource,
    SmsCampaign,
    SmsCampaignStatus,
    SmsMessage,
    SmsMessageStatus,
    SmsOptOut,
)
from xiaoyou.messaging.services.quota import local_today, quota_release, quota_reserve

JOB_KIND = "messaging.sms_campaign"
INSERT_BATCH = 1000
ACTIVE_ROW_STATUSES = (SmsMessageStatus.QUEUED, SmsMessageStatus.CLAIMED)


def opted_out_phones(phones: list[str]) -> set[str]:
    """The phones of `phones` on the opt-out list (the audience resolver's SMS exclusion)."""
    return set(SmsOptOut.objects.filter(phone__in=phones).values_list("phone", flat=True))


def opt_out_add(*, phone: str, source: str, actor: Any = None) -> bool:
    """Adds a phone to the opt-out list (a reply TD, or staff); True when it was new.

    Rule: staff additions are the platform admins' and audited; replies come from the provider.
    """
    if actor is not None:
        policy.require(actor, "manage", SmsOptOut(phone=phone))
    with transaction.atomic():
        row, created = SmsOptOut.objects.get_or_create(phone=phone, defaults={"source": source})
        if created and actor is not None:
            audit.record(
                actor=actor,
                action="messaging.sms_opt_out.add",
                obj=row,
                org=None,
                changes={"phone": [None, phone]},
            )
    return created


def opt_out_remove(*, actor: Any, opt_out: SmsOptOut) -> None:
    """Takes a phone off the opt-out list (the person asked to receive texts again).

    Rule: platform admins only; audited."""
    policy.require(actor, "manage", opt_out)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="messaging.sms_opt_out.remove",
            obj=opt_out,
            org=None,
            changes={"phone": [opt_out.phone, None]},
        )
        opt_out.delete()


def campaign_create(
    *,
    actor: Any,
    org: Any,
    name: str,
    body: str,
    audience_kind: str,
    audience_params: dict[str, Any],
    has_opt_out_hint: bool = True,
) -> SmsCampaign:
    """A draft campaign of `org`. Rule: an admin of `org`; the text is required."""
    campaign = SmsCampaign(
        org=org,
        name=name.strip()[:120],
        body=body.strip(),
        sign_name=settings.SMS_SIGN_NAME,
        has_opt_out_hint=has_opt_out_hint,
        source=SmsAudienceSource.UPLOAD
        if audience_kind == "upload"
        else SmsAudienceSource.AUDIENCE,
        audience={"kind": audience_kind, "params": audience_params},
        created_by=actor,
    )
    policy.require(actor, "manage", campaign)
    if not campaign.body:
        raise ApplicationError(errors.CAMPAIGN_BODY_REQUIRED)
    with transaction.atomic():
        campaign.save()
        audit.record(
            actor=actor,
            action="messaging.sms_campaign.create",
            obj=campaign,
            changes={"name": [None, campaign.name], "audience": [None, audience_kind]},
        )
    return campaign


def campaign_update(
    *, actor: Any, campaign: SmsCampaign, name: str, body: str, has_opt_out_hint: bool
) -> SmsCampaign:
    """Changes a draft's name, text and opt-out hint (its recipients stay as chosen).

    Rule: an admin of its organization; only while it is a draft (a started campaign's texts
    and quota reservation are fixed); the text is required."""
    policy.require(actor, "manage", campaign)
    values = {
        "name": name.strip()[:120],
        "body": body.strip(),
        "has_opt_out_hint": has_opt_out_hint,
    }
    if not values["body"]:
        raise ApplicationError(errors.CAMPAIGN_BODY_REQUIRED)
    with transaction.atomic():
        locked = SmsCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != SmsCampaignStatus.DRAFT:
            raise ApplicationError(errors.CAMPAIGN_NOT_DRAFT, status=409)
        changes = {
            key: [getattr(locked, key), value]
            for key, value in values.items()
            if getattr(locked, key) != value
        }
        for key, (_old, value) in changes.items():
            setattr(locked, key, value)
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            audit.record(
                actor=actor, action="messaging.sms_campaign.update", obj=locked, changes=changes
            )
    return locked


def recipient_texts(campaign: SmsCampaign, *, actor: Any) -> Iterator[tuple[Any, str, int]]:
    """(recipient, text after the signature, segments) of each recipient, streamed (the preview
    takes the first few; starting takes them all without holding them in memory)."""
    from xiaoyou.messaging.audiences import audience_recipients

    for recipient in audience_recipients(
        actor=actor,
        org=campaign.org,
        kind=campaign.audience.get("kind", ""),
        params=campaign.audience.get("params") or {},
        channel="sms",
    ):
        body = sms_text.body_with_hint(
            sms_text.render(campaign.body, recipient.context),
            has_opt_out_hint=campaign.has_opt_out_hint,
        )
        yield recipient, body, sms_text.segments(sms_text.full_text(campaign.sign_name, body))


def recipient_preview(
    campaign: SmsCampaign, *, actor: Any, limit: int
) -> list[tuple[Any, str, int]]:
    return list(islice(recipient_texts(campaign, actor=actor), limit))


def campaign_start(*, actor: Any, campaign: SmsCampaign) -> SmsCampaign:
    """Fixes the recipients, reserves their segments and starts the sending job.

    Rule: a draft only; refused with a translated message, before anything is sent and with
    nothing kept, when the organization's allocation or the school's quota cannot cover it.
    """
    policy.require(actor, "send", campaign)
    with transaction.atomic():
        campaign = SmsCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != SmsCampaignStatus.DRAFT:
            raise ApplicationError(errors.CAMPAIGN_NOT_DRAFT, status=409)
        total_segments = 0
        count = 0
        batch: list[SmsMessage] = []
        for recipient, body, segments in recipient_texts(campaign, actor=actor):
            batch.append(
                SmsMessage(
                    campaign=campaign,
                    phone=recipient.phone,
                    name=recipient.name[:100],
                    record_id=recipient.record_id,
                    text=body,
                    segments=segments,
                )
            )
            total_segments += segments
            count += 1
            if len(batch) >= INSERT_BATCH:
                SmsMessage.objects.bulk_create(batch)
                batch = []
        if batch:
            SmsMessage.objects.bulk_create(batch)
        if count == 0:
            raise ApplicationError(errors.CAMPAIGN_NO_RECIPIENTS)
        year = local_today().year
        quota_reserve(org=campaign.org, segments=total_segments, year=year)
        campaign.status = SmsCampaignStatus.SENDING
        campaign.recipient_count = count
        campaign.reserved_segments = total_segments
        campaign.quota_year = year
        campaign.started_at = timezone.now()
        campaign.job = _new_job(actor, campaign)
        campaign.save(
            update_fields=[
                "status",
                "recipient_count",
                "reserved_segments",
                "quota_year",
                "started_at",
                "job",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action="messaging.sms_campaign.start",
            obj=campaign,
            changes={"recipients": [None, count], "segments": [None, total_segments]},
        )
    return campaign


def _new_job(actor: Any, campaign: SmsCampaign) -> Any:
    return job_create(
        kind=JOB_KIND,
        title=campaign.name,
        actor=actor,
        org=campaign.org,
        params={"campaign_id": campaign.pk},
        total=campaign.recipient_count,
    )


def _transition(
    *, actor: Any, campaign: SmsCampaign, allowed: tuple[str, ...], status: str, action: str
) -> SmsCampaign:
    policy.require(actor, "send", campaign)
    with transaction.atomic():
        campaign = SmsCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in allowed:
            raise ApplicationError(
                errors.CAMPAIGN_STATE, status=409, state=campaign.get_status_display()
            )
        before = campaign.status
        campaign.status = status
        fields = ["status", "updated_at"]
        if status == SmsCampaignStatus.SENDING:
            campaign.job = _new_job(actor, campaign)
            fields.append("job")
        if status == SmsCampaignStatus.CANCELLED:
            SmsMessage.objects.filter(campaign=campaign, status=SmsMessageStatus.QUEUED).update(
                status=SmsMessageStatus.CANCELLED
            )
            campaign.finished_at = timezone.now()
            fields.append("finished_at")
        campaign.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=f"messaging.sms_campaign.{action}",
            obj=campaign,
            changes={"status": [before, status]},
        )
    if status == SmsCampaignStatus.CANCELLED and not _job_is_live(campaign):
        campaign_settle(campaign_id=campaign.pk)
        campaign.refresh_from_db()
    return campaign


def _job_is_live(campaign: SmsCampaign) -> bool:
    job = campaign.job
    return job is not None and job.status in (
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.RETRYING,
    )


def campaign_pause(*, actor: Any, campaign: SmsCampaign) -> SmsCampaign:
    """Stops sending after the message in hand; the rest stay queued."""
    return _transition(
        actor=actor,
        campaign=campaign,
        allowed=(SmsCampaignStatus.SENDING,),
        status=SmsCampaignStatus.PAUSED,
        action="pause",
    )


def campaign_resume(*, actor: Any, campaign: SmsCampaign) -> SmsCampaign:
    """Sends the messages still queued, in a new job."""
    return _transition(
        actor=actor,
        campaign=campaign,
        allowed=(SmsCampaignStatus.PAUSED,),
        status=SmsCampaignStatus.SENDING,
        action="resume",
    )


def campaign_cancel(*, actor: Any, campaign: SmsCampaign) -> SmsCampaign:
    """Sends nothing more; the unspent reservation goes back to the quota."""
    return _transition(
        actor=actor,
        campaign=campaign,
        allowed=(SmsCampaignStatus.SENDING, SmsCampaignStatus.PAUSED),
        status=SmsCampaignStatus.CANCELLED,
        action="cancel",
    )


def campaign_settle(*, campaign_id: int) -> int:
    """Gives back what was reserved and not spent, once; returns the segments released."""
    now = timezone.now()
    with transaction.atomic():
        taken = SmsCampaign.objects.filter(
            pk=campaign_id,
            settled_at__isnull=True,
            status__in=[SmsCampaignStatus.COMPLETED, SmsCampaignStatus.CANCELLED],
        ).update(settled_at=now)
        if taken != 1:
            return 0
        campaign = SmsCampaign.objects.select_related("org").get(pk=campaign_id)
        unspent = max(0, campaign.reserved_segments - campaign.used_segments)
        if campaign.quota_year:
            quota_release(org=campaign.org, year=campaign.quota_year, segments=unspent)
    return unspent


def campaign_status_counts(campaign: SmsCampaign) -> dict[str, int]:
    """Messages per status (claimed ones count as queued)."""
    counts: dict[str, int] = {}
    for row in (
        SmsMessage.objects.filter(campaign=campaign)
        .values("status")
        .annotate(count=Count("id"))
        .order_by()
    ):
        status = row["status"]
        if status == SmsMessageStatus.CLAIMED:
            status = SmsMessageStatus.QUEUED
        counts[status] = counts.get(status, 0) + row["count"]
    return counts
