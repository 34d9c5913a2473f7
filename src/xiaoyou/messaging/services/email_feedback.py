"""What comes back from sent mail: opens (pixel), clicks (tracked links), unsubscribes (RFC 8058
one-click POST, the confirm page, the mailto address), bounces and complaints (email_bounces.py).

These writes are made by recipients or mail servers, not by staff: no actor, no policy; the
signed token is the authority. Each is one conditional UPDATE plus a log row, cheap enough for
a pixel fetched by every mail client.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoyou.messaging.email_sending import suppress
from xiaoyou.messaging.models import (
    BounceKind,
    EmailEvent,
    EmailEventKind,
    EmailMessage,
    EmailMessageStatus,
    SuppressionReason,
)


def email_open_record(*, message_id: int) -> bool:
    """Counts an open; the first one sets `opened_at`."""
    now = timezone.now()
    with transaction.atomic():
        updated = EmailMessage.objects.filter(pk=message_id).update(
            opened_at=Coalesce(F("opened_at"), now), open_count=F("open_count") + 1
        )
        if updated:
            EmailEvent.objects.create(message_id=message_id, kind=EmailEventKind.OPEN)
    return bool(updated)


def email_click_record(*, message_id: int, index: int) -> str | None:
    """The target of link `index` of the message's campaign (None: no such link), counting the
    click (and an open: images are often blocked, a click proves the mail was read)."""
    row = (
        EmailMessage.objects.filter(pk=message_id).values_list("campaign__links", flat=True).first()
    )
    links = row or []
    if not 0 <= index < len(links):
        return None
    url = str(links[index])
    now = timezone.now()
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message_id).update(
            clicked_at=Coalesce(F("clicked_at"), now),
            click_count=F("click_count") + 1,
            opened_at=Coalesce(F("opened_at"), now),
        )
        EmailEvent.objects.create(
            message_id=message_id, kind=EmailEventKind.CLICK, detail=url[:500]
        )
    return url


def email_provider_click_record(*, message_id: int, url: str) -> bool:
    """A click the provider tracked (its own link rewriting): counted like ours, and as an
    open; the URL is only logged (the provider did the redirect)."""
    now = timezone.now()
    with transaction.atomic():
        updated = EmailMessage.objects.filter(pk=message_id).update(
            clicked_at=Coalesce(F("clicked_at"), now),
            click_count=F("click_count") + 1,
            opened_at=Coalesce(F("opened_at"), now),
        )
        if updated:
            EmailEvent.objects.create(
                message_id=message_id, kind=EmailEventKind.CLICK, detail=url[:500]
            )
    return bool(updated)


def email_unsubscribe(*, message_id: int, via: str) -> EmailMessage | None:
    """Suppresses the message's address at once (every later batch skips it)."""
    message = EmailMessage.objects.select_related("campaign").filter(pk=message_id).first()
    if message is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        suppress(
            message.email,
            reason=SuppressionReason.UNSUBSCRIBED,
            campaign=message.campaign,
            detail=via,
        )
        EmailMessage.objects.filter(pk=message_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now
        )
        EmailEvent.objects.create(
            message_id=message_id, kind=EmailEventKind.UNSUBSCRIBE, detail=via
        )
    message.refresh_from_db()
    return message


def email_bounce_record(
    *, message: EmailMessage, kind: str, status: str, detail: str = ""
) -> EmailMessage:
    """A DSN for a sent message: a hard bounce (5.x.x) suppresses the address; a soft one
    (4.x.x) is only noted (the server gave up on a temporary failure)."""
    now = timezone.now()
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessageStatus.BOUNCED,
            bounce_kind=kind,
            bounce_status=status[:16],
            bounced_at=now,
            error=detail[:300],
        )
        if kind == BounceKind.HARD:
            suppress(
                message.email,
                reason=SuppressionReason.HARD_BOUNCE,
                campaign=message.campaign,
                detail=f"{status} {detail}".strip(),
            )
        EmailEvent.objects.create(
            message=message, kind=EmailEventKind.BOUNCE, detail=f"{kind} {status} {detail}"[:500]
        )
    message.refresh_from_db()
    return message


def email_complaint_record(*, message: EmailMessage, detail: str = "") -> EmailMessage:
    """A spam complaint (ARF feedback report): the address is suppressed."""
    now = timezone.now()
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(
            complained_at=Coalesce(F("complained_at"), now)
        )
        suppress(
            message.email,
            reason=SuppressionReason.COMPLAINT,
            campaign=message.campaign,
            detail=detail,
        )
        EmailEvent.objects.create(
            message=message, kind=EmailEventKind.COMPLAINT, detail=detail[:500]
        )
    message.refresh_from_db()
    return message


def suppress_address(*, email: str, reason: str, detail: str = "") -> Any:
    return suppress(email, reason=reason, detail=detail)
