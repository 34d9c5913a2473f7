"""Sending a campaign: recipients written once, then claimed in batches and handed to the mail
backend, exactly once per recipient.

A batch is claimed with one conditional UPDATE (`status='queued'`, a due deferred row, or a row
whose lease ran out) that stamps a fresh claim token and a lease. Just before a message goes to
the SMTP server its row is stamped `handed_at` (under the claim); it is marked sent only after
the server accepted it, and only while the sender still holds the claim. A worker killed
mid-batch leaves its rows "sending": nobody takes them before the lease expires; then the rows
it never handed over are sent by the next sender, and the one it had handed over (at most one
per dead worker) becomes "unknown" — it may have gone out, so it is never sent twice. A sender
whose own lease is about to run out stops and gives the rest back, so a live claim is never
taken over while it is still being sent.

Addresses suppressed after queueing (an unsubscribe, a bounce) are skipped at send time, which
makes an unsubscribe effective for the next batch (seconds). Per-domain rates
(MESSAGING_EMAIL_DOMAIN_RATES) are counted in the cache, shared by every worker with Redis;
a row over its domain's rate is deferred to the next minute without counting as an attempt.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from anymail.exceptions import AnymailError
from django.core.mail import get_connection
from django.db.models import F, Min, Q
from django.utils import timezone

from xiaoyou.messaging import email_providers, email_settings
from xiaoyou.messaging.email_compose import Composer
from xiaoyou.messaging.email_throttle import DomainThrottle
from xiaoyou.messaging.models import (
    BounceKind,
    CampaignStatus,
    EmailCampaign,
    EmailMessage,
    EmailMessageStatus,
    Suppression,
    SuppressionReason,
)

logger = logging.getLogger(__name__)

FINAL_STATUSES = (
    EmailMessageStatus.SENT,
    EmailMessageStatus.BOUNCED,
    EmailMessageStatus.FAILED,
    EmailMessageStatus.SKIPPED,
    EmailMessageStatus.CANCELLED,
    EmailMessageStatus.UNKNOWN,
)
OPEN_STATUSES = (EmailMessageStatus.QUEUED, EmailMessageStatus.SENDING, EmailMessageStatus.DEFERRED)


class SmtpUnavailable(Exception):
    """The mail server cannot be reached: the job retries later, the rows are given back."""


def claimable(now: Any) -> Q:
    return (
        Q(status=EmailMessageStatus.QUEUED)
        | Q(status=EmailMessageStatus.DEFERRED, next_attempt_at__lte=now)
        | Q(status=EmailMessageStatus.SENDING, lease_until__lt=now, handed_at__isnull=True)
    )


def settle_in_doubt(campaign_id: int, now: Any) -> int:
    """Rows a dead sender had handed to the mail server (lease over, no answer recorded):
    "unknown", never sent again. Returns how many."""
    return EmailMessage.objects.filter(
        campaign_id=campaign_id,
        status=EmailMessageStatus.SENDING,
        lease_until__lt=now,
        handed_at__isnull=False,
    ).update(
        status=EmailMessageStatus.UNKNOWN,
        claim_token="",
        lease_until=None,
        error="the sender stopped after handing it to the mail server",
    )


def claim_batch(campaign_id: int, *, size: int, lease: int) -> tuple[str, list[EmailMessage]]:
    """Claims up to `size` rows of the campaign for this sender: (claim token, rows).

    Rule: the conditional UPDATE is the lock; a row another sender claimed between our read of
    the ids and the UPDATE no longer matches and stays theirs.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    settle_in_doubt(campaign_id, now)
    ids = list(
        EmailMessage.objects.filter(claimable(now), campaign_id=campaign_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return token, []
    EmailMessage.objects.filter(claimable(now), pk__in=ids).update(
        status=EmailMessageStatus.SENDING,
        claim_token=token,
        lease_until=now + timedelta(seconds=lease),
        handed_at=None,
        attempts=F("attempts") + 1,
    )
    rows = list(
        EmailMessage.objects.filter(
            pk__in=ids, claim_token=token, status=EmailMessageStatus.SENDING
        ).order_by("pk")
    )
    return token, rows


def _release(token: str, pks: list[int]) -> None:
    """Gives claimed rows back untouched (the attempt does not count)."""
    EmailMessage.objects.filter(pk__in=pks, claim_token=token).update(
        status=EmailMessageStatus.QUEUED,
        claim_token="",
        lease_until=None,
        handed_at=None,
        attempts=F("attempts") - 1,
    )


def _finish_row(row: EmailMessage, token: str, **fields: Any) -> bool:
    fields.setdefault("claim_token", "")
    fields.setdefault("lease_until", None)
    return (
        EmailMessage.objects.filter(
            pk=row.pk, claim_token=token, status=EmailMessageStatus.SENDING
        ).update(**fields)
        == 1
    )


def suppress(email: str, *, reason: str, campaign: Any = None, detail: str = "") -> bool:
    """Adds an address to the suppression list (first reason kept); True when it is new."""
    address = email.strip().lower()
    if not address:
        return False
    _row, created = Suppression.objects.get_or_create(
        email=address,
        defaults={
            "reason": reason,
            "campaign": campaign,
            "org_id": getattr(campaign, "org_id", None),
            "detail": detail[:300],
        },
    )
    return created


# --- The send loop ------------------------------------------------------------------------------


def _deferral(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 60 * 2 ** max(0, attempts - 1)))


def _campaign_status(campaign_id: int) -> str:
    return str(EmailCampaign.objects.filter(pk=campaign_id).values_list("status", flat=True)[0])


def progress_counts(campaign_id: int) -> tuple[int, int]:
    """(done, total): rows in a final state, and all rows."""
    rows = EmailMessage.objects.filter(campaign_id=campaign_id)
    return rows.filter(status__in=FINAL_STATUSES).count(), rows.count()


def send_campaign(
    campaign: EmailCampaign,
    *,
    on_progress: Callable[[int, int], Any] | None = None,
    connection: Any = None,
    stop_after: int | None = None,
) -> dict[str, int]:
    """Sends the campaign's claimable rows until none is left, the campaign is paused or
    cancelled, or `stop_after` messages went out; returns counts of this run.

    The campaign is marked sent when no row is open any more.
    """
    connection = connection or get_connection(fail_silently=False)
    composer = Composer.for_campaign(
        campaign, provider=email_providers.is_provider_backend(connection)
    )
    throttle = DomainThrottle(email_settings.domain_rates())
    size, lease = email_settings.batch_size(), email_settings.lease_seconds()
    attempts_max = email_settings.max_attempts()
    done, total = progress_counts(campaign.pk)
    counts = {"sent": 0, "bounced": 0, "deferred": 0, "failed": 0, "skipped": 0}
    try:
        # One connection for the whole run (send_messages would otherwise open one per call).
        if _campaign_status(campaign.pk) == CampaignStatus.SENDING:
            _open(connection)
        while _campaign_status(campaign.pk) == CampaignStatus.SENDING:
            if stop_after is not None and counts["sent"] >= stop_after:
                break
            token, rows = claim_batch(campaign.pk, size=size, lease=lease)
            if not rows:
                break
            deadline = time.monotonic() + lease - min(30, lease / 3)
            suppressed = set(
                Suppression.objects.filter(email__in=[row.email for row in rows]).values_list(
                    "email", flat=True
                )
            )
            for position, row in enumerate(rows):
                if time.monotonic() > deadline or (
                    stop_after is not None and counts["sent"] >= stop_after
                ):
                    _release(token, [later.pk for later in rows[position:]])
                    break
                try:
                    outcome = _send_row(
                        row, token, composer, connection, throttle, suppressed, attempts_max
                    )
                except SmtpUnavailable:  # the rest of the batch goes back at once, not at lease end
                    _release(token, [later.pk for later in rows[position + 1 :]])
                    raise
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome not in ("deferred", "lost"):
                    done += 1
                if on_progress is not None:
                    on_progress(done, total)
    finally:
        try:
            connection.close()
        except Exception:  # the server may already be gone
            logger.debug("closing the SMTP connection failed", exc_info=True)
    _finish_if_complete(campaign.pk)
    return counts


def _open(connection: Any) -> None:
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpUnavailable(str(exc)) from exc


def _send_row(
    row: EmailMessage,
    token: str,
    composer: Composer,
    connection: Any,
    throttle: DomainThrottle,
    suppressed: set[str],
    attempts_max: int,
) -> str:
    now = timezone.now()
    if row.email in suppressed:
        _finish_row(row, token, status=EmailMessageStatus.SKIPPED, error="suppressed")
        return "skipped"
    wait = throttle.admit(row.email.rpartition("@")[2])
    if wait:
        _finish_row(
            row,
            token,
            status=EmailMessageStatus.DEFERRED,
            next_attempt_at=now + timedelta(seconds=wait),
            attempts=F("attempts") - 1,
            error="",
        )
        return "deferred"
    mail = composer.build(
        email=row.email, name=row.name, context=row.context or {}, message_id=row.pk
    )
    handed = EmailMessage.objects.filter(
        pk=row.pk, claim_token=token, status=EmailMessageStatus.SENDING
    ).update(handed_at=timezone.now())
    if not handed:  # the claim was lost (this sender was too slow): another sender has it
        logger.warning("message %s was not sent: its claim was lost", row.pk)
        return "lost"
    try:
        connection.send_messages([mail])
    except AnymailError as exc:  # before OSError: anymail's requests errors are OSErrors too
        return _provider_failure(row, token, composer, exc, attempts_max)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()), (550, b""))
        return _refused(row, token, composer, int(code), _text(reply), attempts_max)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError) as exc:
        _release(token, [row.pk])
        raise SmtpUnavailable(str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        return _refused(row, token, composer, exc.smtp_code, _text(exc.smtp_error), attempts_max)
    except OSError as exc:
        _release(token, [row.pk])
        raise SmtpUnavailable(str(exc)) from exc
    except Exception as exc:  # another backend's own error type
        return _temporary(row, token, f"{exc.__class__.__name__}: {exc}", attempts_max)
    provider_id, provider_status = email_providers.provider_answer(mail)
    if not _finish_row(
        row,
        token,
        status=EmailMessageStatus.SENT,
        sent_at=now,
        error="",
        provider_message_id=provider_id,
        provider_status=provider_status,
    ):
        logger.warning("message %s was sent after its claim was lost", row.pk)
    return "sent"


def _text(reply: Any) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _refused(
    row: EmailMessage,
    token: str,
    composer: Composer,
    code: int,
    reply: str,
    attempts_max: int,
) -> str:
    detail = f"{code} {reply}"[:300]
    if code >= 500:
        _finish_row(
            row,
            token,
            status=EmailMessageStatus.BOUNCED,
            bounce_kind=BounceKind.HARD,
            bounce_status=str(code),
            bounced_at=timezone.now(),
            error=detail,
        )
        suppress(
            row.email,
            reason=SuppressionReason.HARD_BOUNCE,
            campaign=composer.campaign,
            detail=detail,
        )
        return "bounced"
    return _temporary(row, token, detail, attempts_max)


def _provider_failure(
    row: EmailMessage, token: str, composer: Composer, exc: Exception, attempts_max: int
) -> str:
    failure = email_providers.classify(exc)
    if failure.outcome == "temporary":
        return _temporary(row, token, failure.detail, attempts_max)
    if failure.outcome == "unavailable":
        _release(token, [row.pk])
        raise SmtpUnavailable(failure.detail) from exc
    if failure.outcome == "refused":
        return _refused(row, token, composer, 550, failure.detail, attempts_max)
    # The request may have reached the provider: never sent again.
    _finish_row(row, token, status=EmailMessageStatus.UNKNOWN, error=failure.detail)
    return "unknown"


def _temporary(row: EmailMessage, token: str, detail: str, attempts_max: int) -> str:
    if row.attempts + 1 >= attempts_max:
        _finish_row(row, token, status=EmailMessageStatus.FAILED, error=detail[:300])
        return "failed"
    _finish_row(
        row,
        token,
        status=EmailMessageStatus.DEFERRED,
        next_attempt_at=timezone.now() + _deferral(row.attempts + 1),
        error=detail[:300],
    )
    return "deferred"


def _finish_if_complete(campaign_id: int) -> bool:
    still_open = EmailMessage.objects.filter(campaign_id=campaign_id, status__in=OPEN_STATUSES)
    if still_open.exists():
        return False
    now = timezone.now()
    return (
        EmailCampaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=now, updated_at=now
        )
        == 1
    )


def next_due(campaign_id: int, now: Any = None) -> Any:
    """When a row of the campaign next becomes claimable (None: nothing is waiting)."""
    now = now or timezone.now()
    rows = EmailMessage.objects.filter(campaign_id=campaign_id)
    if rows.filter(claimable(now)).exists():
        return now
    found = rows.filter(status=EmailMessageStatus.DEFERRED).aggregate(at=Min("next_attempt_at"))
    lease = rows.filter(status=EmailMessageStatus.SENDING).aggregate(at=Min("lease_until"))
    candidates = [value for value in (found["at"], lease["at"]) if value is not None]
    return min(candidates) if candidates else None


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
