"""群发通知: an event's organizer sends a notice to all or some registrants, on the channels
they choose (in-app, email, SMS, WeChat: those core.notifications has), as a background job.

Channels. Each channel is its own notification kind (`events.notice` in-app,
`events.notice.email`, `events.notice.sms`, `events.notice.wechat`), so the channels the
sender chose are exactly the ones used, and each person's preferences still apply per channel.

Audience. Registrants with an account, live ones by default, or those of the chosen statuses,
ticket type and check-in state; one notice per person even with several registrations. The
recipients are fixed when the notice is sent, so the count shown is the count reached.

SMS quota. Texts draw from the organization's allocation of the school's SMS quota (the
messaging app's quota services, like campaigns and invitations). The text is the same for every
recipient, so its billed segments are counted once; the segments of the whole batch are
reserved up front (`quota_reserve`: conditional UPDATEs, so concurrent sends never overdraw, and
a notice that does not fit is refused before anything is sent), counting the recipients who can
get a text (a verified phone, SMS not turned off for event notices). A recipient's segments are
charged when the text is handed to the SMS channel (`quota_charge`, shown as event notices on
the usage dashboard) and given back when they no longer get one (`quota_release`). The segments
per text and the quota year travel in the job's parameters. Each event may send at most
EVENTS_NOTICE_RATE notices (default 10 per hour), whatever the channels.

Idempotence. A recipient row is claimed queued -> sent by a conditional UPDATE inside the same
transaction as its notifications: a retried, duplicated or resumed job never notifies twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, jobs, notifications, policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Channel, NotificationPreference
from xiaoyou.events import errors_engagement as errors
from xiaoyou.events.models import (
    Event,
    EventNotice,
    EventNoticeRecipient,
    NoticeRecipientStatus,
    Registration,
    RegistrationStatus,
)
from xiaoyou.events.services.transitions import LIVE
from xiaoyou.messaging.services.quota import (
    allocation_for,
    local_today,
    quota_charge,
    quota_release,
    quota_reserve,
)
from xiaoyou.messaging.sms_text import billed_segments

JOB_KIND = "events.notice"
CHANNEL_KINDS = {
    Channel.IN_APP.value: "events.notice",
    Channel.EMAIL.value: "events.notice.email",
    Channel.SMS.value: "events.notice.sms",
    Channel.WECHAT.value: "events.notice.wechat",
}
TITLE_MAX_LENGTH = 60
BODY_MAX_LENGTH = 500
DEFAULT_RATE = "10/3600"  # notices per event (settings.EVENTS_NOTICE_RATE)
BATCH_SIZE = 200


@dataclass(frozen=True)
class Audience:
    """Who gets a notice: `statuses` (empty: every live registration), a ticket type, and
    whether checked in (None: either)."""

    statuses: tuple[str, ...] = ()
    ticket_type_id: int | None = None
    checked_in: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "statuses": list(self.statuses),
            "ticket_type": self.ticket_type_id,
            "checked_in": self.checked_in,
        }


@dataclass(frozen=True)
class NoticePreview:
    """What sending would do: people reached, registrations left out for lack of an account,
    texts to pay for, their segments, and what is left of the organization's SMS allocation
    this year."""

    recipients: int
    without_account: int
    sms_needed: int
    sms_segments: int
    sms_remaining: int
    channels: list[str] = field(default_factory=list)

    @property
    def is_sms_short(self) -> bool:
        return self.sms_segments > self.sms_remaining


def available_channels() -> list[str]:
    """The channels core.notifications has (in-app plus the registered senders) that notices
    have templates for, in the usual order."""
    return [
        name
        for name in notifications.channel_names()
        if name in CHANNEL_KINDS and notifications.has_template(CHANNEL_KINDS[name], name)
    ]


def _rate() -> ratelimit.Rate:
    return ratelimit.Rate.parse(str(getattr(settings, "EVENTS_NOTICE_RATE", DEFAULT_RATE)))


def _registrations(event: Event, audience: Audience) -> QuerySet[Registration]:
    queryset = Registration.objects.filter(event=event, status__in=list(audience.statuses or LIVE))
    if audience.ticket_type_id is not None:
        queryset = queryset.filter(ticket_type_id=audience.ticket_type_id)
    if audience.checked_in is not None:
        queryset = queryset.filter(checked_in_at__isnull=not audience.checked_in)
    return queryset


def _recipients(event: Event, audience: Audience) -> list[tuple[int, int]]:
    """(registration id, user id) of the audience with an active account, one per person."""
    seen: set[int] = set()
    result = []
    rows = (
        _registrations(event, audience)
        .filter(user__isnull=False, user__is_active=True)
        .order_by("user_id", "id")
        .values_list("pk", "user_id")
    )
    for registration_id, user_id in rows:
        if user_id not in seen:
            seen.add(user_id)
            result.append((registration_id, user_id))
    return result


def _sms_reachable(user_ids: Sequence[int]) -> set[int]:
    """Those of these people who get an event notice by text: a verified phone, and SMS not
    turned off for the kind (it is on by default)."""
    from django.contrib.auth import get_user_model

    if not user_ids:
        return set()
    opted_out = NotificationPreference.objects.filter(
        kind=CHANNEL_KINDS[Channel.SMS], channel=Channel.SMS, is_enabled=False
    ).values("user_id")
    reachable: set[int] = set()
    ids = list(user_ids)
    for start in range(0, len(ids), 900):  # stays under SQLite's limit of query parameters
        users = get_user_model().objects.filter(pk__in=ids[start : start + 900])
        users = users.filter(phone_verified=True).exclude(phone="").exclude(pk__in=opted_out)
        reachable.update(users.values_list("pk", flat=True))
    return reachable


def _segments_per_text(event: Event, title: str, body: str) -> int:
    """Billed segments of the notice's text (the "events.notice.sms" template, the same for
    every recipient), signature included."""
    parts = notifications.render(
        CHANNEL_KINDS[Channel.SMS],
        Channel.SMS,
        {
            "event_title": event.title,
            "org_name": event.org.name,
            "title": title,
            "body": body,
            "name": "",
            "url": reverse("hall:event", args=[event.pk]),
        },
    )
    return billed_segments(parts.get("text", ""))


def _clean_channels(channels: Iterable[str]) -> list[str]:
    offered = available_channels()
    chosen = [name for name in offered if name in set(channels)]
    if not chosen or any(name not in offered for name in channels):
        raise ApplicationError(errors.NOTICE_CHANNEL_REQUIRED)
    return chosen


def _clean_audience(event: Event, audience: Audience) -> Audience:
    if any(status not in RegistrationStatus.values for status in audience.statuses):
        raise ApplicationError("invalid_input")
    if (
        audience.ticket_type_id is not None
        and not event.ticket_types.filter(pk=audience.ticket_type_id).exists()
    ):
        raise ApplicationError("invalid_input")
    return audience


def notice_preview(
    *,
    actor: Any,
    event: Event,
    audience: Audience,
    channels: Iterable[str],
    title: str = "",
    body: str = "",
) -> NoticePreview:
    """The recipient count (and texts to pay for, with their segments for this title and
    message) before sending; managers only."""
    policy.require(actor, "notify", event)
    audience = _clean_audience(event, audience)
    chosen = [name for name in available_channels() if name in set(channels)]
    recipients = _recipients(event, audience)
    without_account = _registrations(event, audience).filter(user__isnull=True).count()
    sms_needed = (
        len(_sms_reachable([user_id for _pk, user_id in recipients]))
        if Channel.SMS in chosen
        else 0
    )
    allocation = allocation_for(org=event.org)
    return NoticePreview(
        recipients=len(recipients),
        without_account=without_account,
        sms_needed=sms_needed,
        sms_segments=(
            sms_needed * _segments_per_text(event, " ".join(title.split()), body.strip())
            if sms_needed
            else 0
        ),
        sms_remaining=allocation.remaining if allocation is not None else 0,
        channels=chosen,
    )


def notice_send(
    *,
    actor: Any,
    event: Event,
    title: str,
    body: str,
    channels: Iterable[str],
    audience: Audience,
) -> EventNotice:
    """Sends a notice to the audience as a background job (one notification per person and
    channel through core.notifications).

    Rules: managers of the event; at least one offered channel; a title and a message within
    their limits; someone to send to; at most EVENTS_NOTICE_RATE notices per event; with SMS,
    the organization's SMS allocation (and the school's quota) must cover every text's segments
    (reserved up front, else nothing is sent). Audited.
    """
    policy.require(actor, "notify", event)
    chosen = _clean_channels(list(channels))
    audience = _clean_audience(event, audience)
    title = " ".join((title or "").split())
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title or not text:
        raise ApplicationError(errors.NOTICE_TEXT_REQUIRED)
    if len(title) > TITLE_MAX_LENGTH:
        raise ApplicationError(errors.NOTICE_TOO_LONG, limit=TITLE_MAX_LENGTH)
    if len(text) > BODY_MAX_LENGTH:
        raise ApplicationError(errors.NOTICE_TOO_LONG, limit=BODY_MAX_LENGTH)
    recipients = _recipients(event, audience)
    if not recipients:
        raise ApplicationError(errors.NOTICE_NO_RECIPIENTS)
    rate = _rate()
    if not ratelimit.hit(f"events:notice:{event.pk}", rate.limit, rate.window_seconds):
        raise ApplicationError(errors.NOTICE_RATE_LIMITED, status=429)
    with transaction.atomic():
        paid: set[int] = set()
        if Channel.SMS in chosen:
            paid = _sms_reachable([user_id for _pk, user_id in recipients])
        sms_needed = len(paid)
        per_text = _segments_per_text(event, title, text) if sms_needed else 0
        quota_year = local_today().year
        if sms_needed:
            quota_reserve(org=event.org, segments=sms_needed * per_text, year=quota_year)
        notice = EventNotice.objects.create(
            event=event,
            title=title,
            body=text,
            channels=chosen,
            audience=audience.as_dict(),
            recipient_count=len(recipients),
            sms_debited=sms_needed,
            created_by=actor,
        )
        EventNoticeRecipient.objects.bulk_create(
            [
                # `channels` holds the text paid for until the person is reached.
                EventNoticeRecipient(
                    notice=notice,
                    registration_id=registration_id,
                    user_id=uid,
                    channels=[Channel.SMS.value] if uid in paid else [],
                )
                for registration_id, uid in recipients
            ],
            batch_size=1000,
        )
        audit.record(
            actor=actor,
            action="events.notice.send",
            obj=notice,
            org=event.org,
            changes={
                "recipients": [None, len(recipients)],
                "channels": [None, chosen],
                "audience": [None, audience.as_dict()],
                "sms_debited": [None, sms_needed],
                "sms_segments": [None, sms_needed * per_text],
            },
        )
        job = jobs.job_create(
            kind=JOB_KIND,
            title=str(_("Notice: %(title)s") % {"title": title}),
            actor=actor,
            org=event.org,
            params={"notice_id": notice.pk, "sms_segments": per_text, "quota_year": quota_year},
            total=len(recipients),
        )
        notice.job = job
        notice.save(update_fields=["job", "updated_at"])
    return notice


def _context(notice: EventNotice, registration: Registration) -> dict[str, Any]:
    event = notice.event
    return {
        "event_title": event.title,
        "org_name": event.org.name,
        "title": notice.title,
        "body": notice.body,
        "name": registration.name,
        "url": reverse("hall:event", args=[event.pk]),
    }


def _deliver(
    notice: EventNotice, recipient: EventNoticeRecipient, *, segments: int, year: int
) -> bool:
    """Claims one recipient and notifies them on the notice's channels, in one transaction;
    False when another run has it already. A text paid for (`segments` reserved in the quota
    of `year`) is charged when handed to the SMS channel, else given back."""
    with transaction.atomic():
        claimed = EventNoticeRecipient.objects.filter(
            pk=recipient.pk, status=NoticeRecipientStatus.QUEUED
        ).update(status=NoticeRecipientStatus.SENT, sent_at=timezone.now())
        if not claimed:
            return False
        user = recipient.user
        reached: list[str] = []
        if user is not None and user.is_active:
            context = _context(notice, recipient.registration)
            for channel in notice.channels:
                kind = CHANNEL_KINDS.get(channel)
                if kind is None:
                    continue
                if channel in notifications.notify(user=user, kind=kind, context=context):
                    reached.append(channel)
        status = NoticeRecipientStatus.SENT if reached else NoticeRecipientStatus.SKIPPED
        EventNoticeRecipient.objects.filter(pk=recipient.pk).update(status=status, channels=reached)
        if Channel.SMS in recipient.channels and Channel.SMS in reached:
            quota_charge(org=notice.event.org, year=year, segments=segments, kind="notice")
        elif Channel.SMS in recipient.channels:
            # Paid for a text this person no longer gets (phone unverified, SMS turned off).
            quota_release(org=notice.event.org, year=year, segments=segments)
            EventNotice.objects.filter(pk=notice.pk, sms_debited__gt=0).update(
                sms_debited=F("sms_debited") - 1
            )
    return True


def run_notice_job(context: jobs.JobContext) -> dict[str, Any]:
    """Runner of "events.notice": the queued recipients in batches; safe to run again."""
    notice = EventNotice.objects.select_related("event", "event__org").get(
        pk=context.params["notice_id"]
    )
    todo = EventNoticeRecipient.objects.filter(notice=notice)
    total = notice.recipient_count
    segments = int(context.params.get("sms_segments", 0))
    year = int(context.params.get("quota_year", 0))
    done = todo.exclude(status=NoticeRecipientStatus.QUEUED).count()
    context.progress(done, total)
    while True:
        batch = list(
            todo.filter(status=NoticeRecipientStatus.QUEUED)
            .select_related("user", "registration")
            .order_by("id")[:BATCH_SIZE]
        )
        if not batch:
            break
        for recipient in batch:
            _deliver(notice, recipient, segments=segments, year=year)
            done += 1
            context.progress(done, total)
    sent = todo.filter(status=NoticeRecipientStatus.SENT).count()
    EventNotice.objects.filter(pk=notice.pk).update(sent_count=sent, updated_at=timezone.now())
    return {"recipients": total, "sent": sent, "skipped": total - sent}


def may_send(user: Any, org: Any) -> bool:
    return org is not None and policy.can(user, "notify", Event, org=org)


def register() -> None:
    _rate()  # a malformed EVENTS_NOTICE_RATE fails at start-up, not at the first send
    jobs.register_job(JOB_KIND, run_notice_job, _("Event notices"), may_send)
    labels = {
        Channel.IN_APP.value: _("Event notices from organizers"),
        Channel.EMAIL.value: _("Event notices from organizers, by email"),
        Channel.SMS.value: _("Event notices from organizers, by SMS"),
        Channel.WECHAT.value: _("Event notices from organizers, on WeChat"),
    }
    for order, (channel, kind) in enumerate(CHANNEL_KINDS.items()):
        notifications.register_kind(
            kind,
            labels[channel],
            default_channels=[channel],
            description=_("Messages the organizer of an event you registered for sends you"),
            order=47 + order,
        )
