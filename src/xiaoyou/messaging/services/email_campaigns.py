"""Email campaigns (邮件群发): write, preview, test-send, schedule, send, pause, resume, cancel.

Every write checks policy (the campaign's organization's admins), runs in one transaction and is
audited. Sending is a background job ("messaging.email_send") that writes the recipients once
(the audience as the sender may see it, without exclusions) and then sends claimed batches
(email_sending.py); pausing stops it at the next batch, resuming starts a new job that goes on
where the last one stopped.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, jobs, policy
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.core.jobs import JobContext
from xiaoyou.core.models import JobStatus
from xiaoyou.messaging import audiences, email_sending
from xiaoyou.messaging.email_render import (
    Rendered,
    compile_campaign,
    extract_links,
    html_to_text,
    render_compiled,
    sanitize_body,
)
from xiaoyou.messaging.models import (
    CampaignStatus,
    EmailCampaign,
    EmailMessage,
    EmailMessageStatus,
    EmailTemplate,
)

logger = logging.getLogger(__name__)

JOB_KIND = "messaging.email_send"
TEST_SEND_LIMIT = 10
PREVIEW_RECIPIENTS = 20
# A running job without a progress write for this long is taken for dead by the tick.
JOB_SILENCE_SECONDS = 300
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)

register_messages(
    {
        "email_campaign_not_editable": _("Only a draft or scheduled campaign can be changed."),
        "email_campaign_not_startable": _("This campaign cannot be sent now."),
        "email_campaign_not_sending": _("Only a campaign being sent can be paused."),
        "email_campaign_not_paused": _("Only a paused campaign can be resumed."),
        "email_campaign_finished": _("This campaign is finished and cannot be cancelled."),
        "email_campaign_empty": _("The campaign needs a subject, a body and an audience."),
        "email_schedule_past": _("Choose a time in the future."),
        "email_test_addresses": _("Give one to %(limit)s valid email addresses."),
        "email_test_failed": _("The test email could not be sent: %(reason)s"),
    }
)


def _audit(actor: Any, action: str, campaign: EmailCampaign, **changes: Any) -> None:
    audit.record(actor=actor, action=action, obj=campaign, org=campaign.org, changes=changes)


def _clean_bodies(body_html: str, body_text: str) -> tuple[str, str]:
    html = sanitize_body(body_html)
    return html, (body_text or "").strip() or html_to_text(html)


def email_campaign_create(
    *,
    actor: Any,
    org: Any,
    name: str,
    template: EmailTemplate | None = None,
    subject: str = "",
    body_html: str = "",
    body_text: str = "",
    audience_kind: str = "",
    audience_params: dict[str, Any] | None = None,
    exclusions: list[dict[str, Any]] | None = None,
    uploaded: list[dict[str, str]] | None = None,
    from_name: str = "",
    reply_to: str = "",
    track_opens: bool = True,
    track_clicks: bool = True,
) -> EmailCampaign:
    """Creates a draft; subject and bodies come from `template` unless given.

    Rule: an admin of `org`, with a template of the same organization.
    """
    policy.require(actor, "manage", EmailCampaign, org=org)
    if template is not None:
        if template.org_id != org.pk:
            raise ApplicationError("not_found", status=404)
        subject = subject or template.subject
        body_html = body_html or template.body_html
        body_text = body_text or template.body_text
    if audience_kind and audience_kind not in audiences.AUDIENCE_KINDS:
        raise ApplicationError("audience_kind_unknown")
    html, text = _clean_bodies(body_html, body_text)
    with transaction.atomic():
        campaign = EmailCampaign.objects.create(
            org=org,
            name=name[:100],
            template=template,
            subject=subject[:200],
            body_html=html,
            body_text=text,
            audience_kind=audience_kind,
            audience_params=audience_params or {},
            exclusions=exclusions or [],
            uploaded=uploaded or [],
            from_name=from_name[:100],
            reply_to=reply_to,
            track_opens=track_opens,
            track_clicks=track_clicks,
            created_by=actor,
        )
        _audit(actor, "messaging.email_campaign.create", campaign, name=campaign.name)
    return campaign


UPDATABLE = {
    "name",
    "subject",
    "body_html",
    "body_text",
    "audience_kind",
    "audience_params",
    "exclusions",
    "uploaded",
    "from_name",
    "reply_to",
    "track_opens",
    "track_clicks",
}


def email_campaign_update(*, actor: Any, campaign: EmailCampaign, **fields: Any) -> EmailCampaign:
    """Changes a draft or scheduled campaign. Rule: its organization's admins."""
    policy.require(actor, "manage", campaign)
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    if fields.get("audience_kind") and fields["audience_kind"] not in audiences.AUDIENCE_KINDS:
        raise ApplicationError("audience_kind_unknown")
    with transaction.atomic():
        locked = EmailCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in EDITABLE:
            raise ApplicationError("email_campaign_not_editable", status=409)
        if "body_html" in fields or "body_text" in fields:
            html, text = _clean_bodies(
                fields.get("body_html", locked.body_html), fields.get("body_text", "")
            )
            fields["body_html"], fields["body_text"] = html, text
        changed = {key: value for key, value in fields.items() if getattr(locked, key) != value}
        for key, value in changed.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*changed, "updated_at"])
        _audit(
            actor,
            "messaging.email_campaign.update",
            locked,
            fields=sorted(changed),
        )
    return locked


def _check_ready(campaign: EmailCampaign) -> None:
    if not (campaign.subject.strip() and campaign.body_html.strip() and campaign.audience_kind):
        raise ApplicationError("email_campaign_empty")


def email_campaign_schedule(
    *, actor: Any, campaign: EmailCampaign, when: datetime | None
) -> EmailCampaign:
    """Schedules a draft for `when` (None: back to draft). Rule: its organization's admins."""
    policy.require(actor, "manage", campaign)
    if when is not None and when <= timezone.now():
        raise ApplicationError("email_schedule_past")
    with transaction.atomic():
        locked = EmailCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in EDITABLE:
            raise ApplicationError("email_campaign_not_editable", status=409)
        if when is not None:
            _check_ready(locked)
        locked.status = CampaignStatus.SCHEDULED if when else CampaignStatus.DRAFT
        locked.scheduled_at = when
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        _audit(
            actor,
            "messaging.email_campaign.schedule",
            locked,
            scheduled_at=when.isoformat() if when else None,
        )
    return locked


def _start_job(actor: Any, campaign: EmailCampaign) -> None:
    job = jobs.job_create(
        kind=JOB_KIND,
        title=gettext("Send email campaign: %(name)s") % {"name": campaign.name},
        actor=actor,
        org=campaign.org,
        params={"campaign": campaign.pk},
        total=campaign.recipient_count,
    )
    campaign.job = job
    campaign.save(update_fields=["job", "updated_at"])


def email_campaign_send(*, actor: Any | None, campaign: EmailCampaign) -> EmailCampaign:
    """Starts sending a draft or scheduled campaign now (actor None: the scheduler).

    Rule: its organization's admins. The links of the body are frozen: tracked clicks redirect
    only to them.
    """
    if actor is not None:
        policy.require(actor, "manage", campaign)
    with transaction.atomic():
        locked = EmailCampaign.objects.select_for_update().select_related("org").get(pk=campaign.pk)
        if locked.status not in EDITABLE:
            raise ApplicationError("email_campaign_not_startable", status=409)
        _check_ready(locked)
        now = timezone.now()
        locked.status = CampaignStatus.SENDING
        locked.started_at = now
        locked.links = extract_links(locked.body_html)
        locked.save(update_fields=["status", "started_at", "links", "updated_at"])
        _audit(actor, "messaging.email_campaign.send", locked)
        _start_job(actor, locked)
    return locked


def email_campaign_pause(*, actor: Any, campaign: EmailCampaign) -> EmailCampaign:
    """Pauses sending after the current batch. Rule: its organization's admins."""
    policy.require(actor, "manage", campaign)
    with transaction.atomic():
        updated = EmailCampaign.objects.filter(
            pk=campaign.pk, status=CampaignStatus.SENDING
        ).update(status=CampaignStatus.PAUSED, updated_at=timezone.now())
        if updated != 1:
            raise ApplicationError("email_campaign_not_sending", status=409)
        campaign.refresh_from_db()
        _audit(actor, "messaging.email_campaign.pause", campaign)
    return campaign


def email_campaign_resume(*, actor: Any, campaign: EmailCampaign) -> EmailCampaign:
    """Goes on sending a paused campaign where it stopped. Rule: its organization's admins."""
    policy.require(actor, "manage", campaign)
    with transaction.atomic():
        updated = EmailCampaign.objects.filter(pk=campaign.pk, status=CampaignStatus.PAUSED).update(
            status=CampaignStatus.SENDING, updated_at=timezone.now()
        )
        if updated != 1:
            raise ApplicationError("email_campaign_not_paused", status=409)
        campaign.refresh_from_db()
        _audit(actor, "messaging.email_campaign.resume", campaign)
        _start_job(actor, campaign)
    return campaign


def email_campaign_cancel(*, actor: Any, campaign: EmailCampaign) -> EmailCampaign:
    """Cancels a campaign not yet finished: the recipients not sent yet are never sent.

    Rule: its organization's admins. Rows a sender holds right now finish their batch.
    """
    policy.require(actor, "manage", campaign)
    with transaction.atomic():
        updated = EmailCampaign.objects.filter(
            pk=campaign.pk,
            status__in=[*EDITABLE, CampaignStatus.SENDING, CampaignStatus.PAUSED],
        ).update(status=CampaignStatus.CANCELLED, finished_at=timezone.now())
        if updated != 1:
            raise ApplicationError("email_campaign_finished", status=409)
        cancelled = EmailMessage.objects.filter(
            campaign=campaign,
            status__in=[EmailMessageStatus.QUEUED, EmailMessageStatus.DEFERRED],
        ).update(status=EmailMessageStatus.CANCELLED)
        campaign.refresh_from_db()
        _audit(actor, "messaging.email_campaign.cancel", campaign, recipients_cancelled=cancelled)
    return campaign


# --- Preview and test sends ---------------------------------------------------------------------


def preview_recipients(
    *, actor: Any, campaign: EmailCampaign, limit: int = PREVIEW_RECIPIENTS
) -> list[audiences.Recipient]:
    """The first recipients of the campaign's audience, to preview the mail as one of them."""
    policy.require(actor, "manage", campaign)
    if not campaign.audience_kind:
        return []
    recipients = audiences.audience_recipients(
        actor=actor,
        org=campaign.org,
        kind=campaign.audience_kind,
        params=_audience_params(campaign),
        channel="email",
    )
    return list(itertools.islice(recipients, limit))


def sample_context(campaign: EmailCampaign, actor: Any) -> dict[str, str]:
    """Personalization of a preview without a recipient: the sender's own name."""
    name = getattr(actor, "display_name", "") or getattr(actor, "username", "")
    return {"name": name, "org": campaign.org.name, "email": getattr(actor, "email", "")}


def email_campaign_preview(campaign: EmailCampaign, context: dict[str, str]) -> Rendered:
    """The campaign as a recipient with `context` sees it (links untracked, no pixel)."""
    compiled = compile_campaign(
        subject=campaign.subject,
        body_html=campaign.body_html,
        body_text=campaign.body_text,
        org_name=campaign.org.name,
        links=extract_links(campaign.body_html),
        track_clicks=False,
    )
    values = {"org": campaign.org.name, **context}
    return render_compiled(compiled, values)


def email_campaign_test_send(
    *, actor: Any, campaign: EmailCampaign, addresses: list[str], context: dict[str, str]
) -> int:
    """Sends the campaign as the recipient of `context` to a few given addresses, at once,
    with "[Test]" before the subject; no tracking. Rule: its organization's admins."""
    policy.require(actor, "manage", campaign)
    clean = [audiences.normalize_email(address) for address in addresses if address.strip()]
    if not clean or not all(clean) or len(clean) > TEST_SEND_LIMIT:
        raise ApplicationError("email_test_addresses", limit=TEST_SEND_LIMIT)
    composer = email_sending.Composer.for_campaign(campaign)
    prefix = gettext("[Test]")
    connection = get_connection(fail_silently=False)
    try:
        for address in dict.fromkeys(clean):
            mail = composer.build(
                email=address, name="", context={**context, "email": address}, message_id=None
            )
            mail.subject = f"{prefix} {mail.subject}"
            mail.connection = connection
            mail.send()
    except Exception as exc:
        logger.warning("test send of campaign %s failed", campaign.pk, exc_info=True)
        reason = str(exc) or exc.__class__.__name__
        raise ApplicationError("email_test_failed", reason=reason) from exc
    finally:
        connection.close()
    with transaction.atomic():
        _audit(actor, "messaging.email_campaign.test_send", campaign, addresses=clean)
    return len(clean)


# --- The sending job ----------------------------------------------------------------------------


def _audience_params(campaign: EmailCampaign) -> dict[str, Any]:
    if campaign.audience_kind == "upload":
        return {"recipients": campaign.uploaded}
    return dict(campaign.audience_params or {})


def prepare_recipients(campaign: EmailCampaign, actor: Any) -> int:
    """Writes one queued row per recipient (idempotent), minus the excluded audiences."""
    excluded: set[str] = set()
    for exclusion in campaign.exclusions or []:
        for recipient in audiences.audience_recipients(
            actor=actor,
            org=campaign.org,
            kind=str(exclusion.get("kind", "")),
            params=dict(exclusion.get("params") or {}),
            channel="email",
        ):
            excluded.add(recipient.email)
    batch: list[EmailMessage] = []
    for recipient in audiences.audience_recipients(
        actor=actor,
        org=campaign.org,
        kind=campaign.audience_kind,
        params=_audience_params(campaign),
        channel="email",
    ):
        if recipient.email in excluded:
            continue
        batch.append(
            EmailMessage(
                campaign=campaign,
                email=recipient.email,
                name=recipient.name[:100],
                user_id=recipient.user_id,
                record_id=recipient.record_id,
                context=recipient.context,
            )
        )
        if len(batch) >= 1000:
            EmailMessage.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        EmailMessage.objects.bulk_create(batch, ignore_conflicts=True)
    count = EmailMessage.objects.filter(campaign=campaign).count()
    EmailCampaign.objects.filter(pk=campaign.pk).update(recipient_count=count)
    campaign.recipient_count = count
    return count


def run_email_campaign(context: JobContext) -> dict[str, Any]:
    """Job runner: writes the recipients the first time, then sends until done or paused."""
    campaign = EmailCampaign.objects.select_related("org", "created_by").get(
        pk=context.params["campaign"]
    )
    if campaign.status != CampaignStatus.SENDING:
        return {"status": campaign.status}
    if campaign.recipient_count == 0:
        actor = context.job.created_by or campaign.created_by
        prepare_recipients(campaign, actor)
    context.progress(*email_sending.progress_counts(campaign.pk))
    counts = email_sending.send_campaign(campaign, on_progress=context.progress)
    context.progress(*email_sending.progress_counts(campaign.pk))
    return counts


def _may_send(user: Any, org: Any) -> bool:
    return org is not None and policy.can(user, "manage", EmailCampaign, org=org)


def register_job() -> None:
    jobs.register_job(
        JOB_KIND,
        run_email_campaign,
        _("Send an email campaign"),
        _may_send,
        max_retries=5,
        backoff=60,
        stale_after=900,
    )


def _job_alive(job: Any, now: datetime) -> bool:
    """A job waiting or retrying, or running with a progress write in the last minutes (a
    worker killed hard leaves its job "running"; a second sender is safe, rows are claimed)."""
    if job.status in (JobStatus.QUEUED, JobStatus.RETRYING):
        return True
    return bool(
        job.status == JobStatus.RUNNING
        and job.updated_at > now - timedelta(seconds=JOB_SILENCE_SECONDS)
    )


def campaigns_tick() -> dict[str, int]:
    """Every minute: starts scheduled campaigns that are due, and gives a campaign being sent a
    new job when its last one ended while rows wait (deferred, or a dead worker's lease ran out).
    """
    now = timezone.now()
    started = resumed = 0
    due = EmailCampaign.objects.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=now)
    for campaign in due:
        try:
            email_campaign_send(actor=None, campaign=campaign)
            started += 1
        except ApplicationError:
            logger.warning("scheduled campaign %s could not start", campaign.pk, exc_info=True)
    sending = EmailCampaign.objects.filter(status=CampaignStatus.SENDING).select_related("job")
    for campaign in sending:
        if campaign.job is not None and _job_alive(campaign.job, now):
            continue
        due_at = email_sending.next_due(campaign.pk, now)
        if due_at is None:
            email_sending._finish_if_complete(campaign.pk)
        elif due_at <= now:
            with transaction.atomic():
                _start_job(None, campaign)
            resumed += 1
    return {"started": started, "resumed": resumed}
