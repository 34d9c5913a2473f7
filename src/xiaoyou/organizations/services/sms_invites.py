"""Inviting alumni to join by SMS (短信邀请入会), drawn from the organization's allocation of
the school's SMS quota (messaging/services/quota.py).

The segments of the whole batch are reserved up front (`quota_reserve`: conditional UPDATEs, so
concurrent batches can never overdraw the allocation or the quota, and a batch that does not fit
is refused before anything is sent); each message the gateway takes is charged (`quota_charge`),
each it refuses is given back (`quota_release`), and so is what a failed job left unsent. Small
batches are sent at once; larger ones run as a background job with a progress bar. The text
carries the organization's join link (its share link); invitation codes are the invitation
service's business.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xiaoyou.accounts.phone import normalize_phone_or_none
from xiaoyou.core import audit, jobs, policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Job
from xiaoyou.core.sms import SmsError, get_backend
from xiaoyou.organizations import errors_membership as member_errors
from xiaoyou.organizations.models import Membership, MembershipStatus, Organization

logger = logging.getLogger(__name__)

JOB_KIND = "organizations.sms_invite"
# Up to this many messages are sent during the request; more go to a background job.
INLINE_LIMIT = 20
DEFAULT_RATE = "20/3600"  # batches per organization (settings.ORGANIZATION_SMS_INVITE_RATE)

# Logical SMS templates an admin may choose; gateways send the operator's approved template of
# the same name (settings.SMS_TEMPLATES) with the parameters org and url.
INVITE_TEMPLATES: dict[str, Any] = {
    # %(org)s 邀请您加入，点击链接申请入会：%(url)s
    "member_invitation": _("%(org)s invites you to join us. Apply here: %(url)s"),
}


def invite_templates() -> list[tuple[str, Any]]:
    return [(name, text) for name, text in INVITE_TEMPLATES.items()]


@dataclass(frozen=True)
class SmsInviteResult:
    """What a batch did: messages paid for (`debited`) and their segments, members skipped,
    and either the outcome of an immediate send or the job that sends them."""

    requested: int
    skipped_members: int
    debited: int
    segments: int = 0
    sent: int = 0
    failed: int = 0
    job: Job | None = None


def join_link(org: Organization) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("hall:org_join", args=[org.pk])


def _rate() -> ratelimit.Rate:
    return ratelimit.Rate.parse(
        str(getattr(settings, "ORGANIZATION_SMS_INVITE_RATE", DEFAULT_RATE))
    )


def invite_text(org: Organization, template: str, url: str) -> str:
    """The text of an invitation: the same for every recipient, in the school's default
    language (the invitee's is unknown). Development backends show it; gateways send the
    approved template of the same name instead."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(INVITE_TEMPLATES[template]) % {"org": org.name, "url": url}


def _recipients(actor: Any, items: Sequence[Any]) -> tuple[list[str], list[str]]:
    """(E.164 phones, in order and without repeats; entries that are not usable).

    Strings are mobile numbers; integers are ids of alumni records the actor may see, which
    must have a valid mobile number.
    """
    from xiaoyou.alumni.selectors import alumni_records_for

    record_ids = [item for item in items if isinstance(item, int) and not isinstance(item, bool)]
    records = {record.pk: record for record in alumni_records_for(actor).filter(pk__in=record_ids)}
    phones: list[str] = []
    invalid: list[str] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            record = records.get(item)
            phone = normalize_phone_or_none(record.phone) if record is not None else None
            label = f"#{item}"
        else:
            label = str(item).strip()
            phone = normalize_phone_or_none(label)
        if phone is None:
            invalid.append(label)
        elif phone not in phones:
            phones.append(phone)
    return phones, invalid


def members_invite_by_sms(
    *,
    actor: Any,
    org: Organization,
    phones_or_record_ids: Sequence[Any],
    template: str = "member_invitation",
) -> SmsInviteResult:
    """Texts the org's join link to people (mobile numbers or alumni record ids).

    Rules: admins of the org only; a known template; every entry usable (else nothing is sent
    and the bad entries are listed); registered active members are skipped; a few batches per
    organization per hour (ORGANIZATION_SMS_INVITE_RATE); the organization's SMS allocation
    (and the school's quota) must cover the batch's segments, else nothing is sent and the
    message says how many are needed and left.
    """
    from xiaoyou.messaging.services.quota import local_today, quota_reserve
    from xiaoyou.messaging.sms_text import billed_segments

    policy.require(actor, "manage", Membership, org=org)
    if template not in INVITE_TEMPLATES:
        raise ApplicationError(member_errors.SMS_TEMPLATE_UNKNOWN)
    phones, invalid = _recipients(actor, list(phones_or_record_ids))
    if invalid:
        raise ApplicationError(member_errors.SMS_INVALID_RECIPIENTS, items="、".join(invalid[:20]))
    members = set(
        Membership.objects.filter(
            org=org, status=MembershipStatus.ACTIVE, user__phone__in=phones
        ).values_list("user__phone", flat=True)
    )
    to_send = [phone for phone in phones if phone not in members]
    if not to_send:
        raise ApplicationError(member_errors.SMS_NO_RECIPIENTS)
    rate = _rate()
    if not ratelimit.hit(f"org-sms-invite:{org.pk}", rate.limit, rate.window_seconds):
        raise ApplicationError(member_errors.SMS_RATE_LIMITED, status=429)
    count = len(to_send)
    url = join_link(org)
    per_message = billed_segments(invite_text(org, template, url))
    year = local_today().year
    job = None
    with transaction.atomic():
        quota_reserve(org=org, segments=count * per_message, year=year)
        audit.record(
            actor=actor,
            action="organization.sms_invite",
            obj=org,
            org=org,
            changes={
                "sms_debited": [None, count],
                "sms_segments": [None, count * per_message],
                "template": [None, template],
            },
        )
        if count > INLINE_LIMIT:
            job = jobs.job_create(
                kind=JOB_KIND,
                title=str(_("SMS invitations: %(org)s") % {"org": org.name}),
                actor=actor,
                org=org,
                params={
                    "org_id": org.pk,
                    "phones": to_send,
                    "template": template,
                    "url": url,
                    "segments": per_message,
                    "quota_year": year,
                },
                total=count,
            )
    if job is not None:
        return SmsInviteResult(
            requested=len(phones),
            skipped_members=len(members),
            debited=count,
            segments=count * per_message,
            job=job,
        )
    sent, failed = send_invitations(
        org=org, phones=to_send, template=template, url=url, segments=per_message, year=year
    )
    return SmsInviteResult(
        requested=len(phones),
        skipped_members=len(members),
        debited=count,
        segments=count * per_message,
        sent=sent,
        failed=failed,
    )


def send_invitations(
    *,
    org: Organization,
    phones: Sequence[str],
    template: str,
    url: str,
    segments: int,
    year: int,
    start: int = 0,
    on_sent: Callable[[int, int, int], None] | None = None,
) -> tuple[int, int]:
    """Sends the messages `phones[start:]`, whose `segments` each are reserved in the quota of
    `year`: a message the gateway takes is charged, a refused one is given back.

    Returns (sent, failed); `on_sent(next_index, sent, failed)` is called after each message.
    """
    from xiaoyou.messaging.services.quota import quota_charge, quota_release

    backend = get_backend()
    sent = failed = 0
    params = {"org": org.name, "url": url}
    text = invite_text(org, template, url)
    for index in range(start, len(phones)):
        try:
            backend.send(phone=phones[index], template=template, params={**params, "text": text})
        except SmsError as exc:
            failed += 1
            logger.warning("SMS invitation to %s failed: %s", phones[index][-4:], exc)
            quota_release(org=org, year=year, segments=segments)
        else:
            sent += 1
            quota_charge(org=org, year=year, segments=segments, kind="invitation")
        if on_sent is not None:
            on_sent(index + 1, sent, failed)
    return sent, failed


# --- The background job ----------------------------------------------------------------------


def run_sms_invite_job(context: jobs.JobContext) -> dict[str, Any]:
    """Runner of "organizations.sms_invite": resumes after the last message a previous run
    recorded, so a job taken over from a dead worker does not text people twice."""
    params = context.params
    org = Organization.objects.get(pk=params["org_id"])
    phones = list(params["phones"])
    state = context.job.result or {}
    start = int(state.get("next", 0))
    before_sent = int(state.get("sent", 0))
    before_failed = int(state.get("failed", 0))
    job_id = context.job.pk
    segments = int(params.get("segments", 0))
    year = int(params.get("quota_year", 0))
    reached = start

    def on_sent(next_index: int, sent: int, failed: int) -> None:
        nonlocal reached
        reached = next_index
        Job.objects.filter(pk=job_id).update(
            result={
                "next": next_index,
                "sent": before_sent + sent,
                "failed": before_failed + failed,
            }
        )
        context.progress(next_index, len(phones))

    context.progress(start, len(phones))
    try:
        sent, failed = send_invitations(
            org=org,
            phones=phones,
            template=params["template"],
            url=params["url"],
            segments=segments,
            year=year,
            start=start,
            on_sent=on_sent,
        )
    except Exception:
        # The job is not retried (max_retries=0): what it did not send is given back. A worker
        # that dies instead leaves the job to be taken over, and the run resumes and charges.
        from xiaoyou.messaging.services.quota import quota_release

        quota_release(org=org, year=year, segments=(len(phones) - reached) * segments)
        raise
    return {"next": len(phones), "sent": before_sent + sent, "failed": before_failed + failed}


def may_invite(user: Any, org: Any) -> bool:
    return org is not None and policy.can(user, "manage", Membership, org=org)


def register_jobs() -> None:
    _rate()  # a malformed ORGANIZATION_SMS_INVITE_RATE fails at start-up, not at the first send
    jobs.register_job(
        JOB_KIND,
        run_sms_invite_job,
        _("SMS invitations"),
        may_invite,
        # A retry would text again the people already reached; the runner resumes instead.
        max_retries=0,
    )
