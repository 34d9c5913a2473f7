"""电子票与签到: e-tickets (a code and its signature in a QR) and check-in at the door.

Tokens. A ticket's QR carries `CODE.SIGNATURE`: the registration's `ticket_code` (10 random
base32 characters, unique across events) and the first 80 bits of
HMAC-SHA256(ticket key, "<event id>:<code>") in base32. Both halves use only QR "alphanumeric"
characters, so the 27-character token fits a version 2 QR that any phone camera reads from a
dim screen. The ticket key is derived from the event's `ticket_secret` (created on first use);
rotating the secret invalidates every ticket and the on-site QR of the event at once.

Keys. Two keys are derived from the secret so each can be handed out alone:
- the ticket key verifies ticket signatures; staff devices of the event's organization get it
  in the offline bundle (WebCrypto HMAC in the check-in page). Whoever holds it can sign a
  ticket for a code of this event only, and a device that holds it holds the event's ticket
  list anyway; the master secret and the self check-in key never leave the server.
- the self check-in key signs the event's on-site QR (`event_self_token`), which a signed-in
  registrant scans to check themself in.

Check-in. `check_in` claims the registration with a conditional UPDATE
(`checked_in_at IS NULL AND status = confirmed`), so the same ticket presented to several
scanners at once is accepted exactly once; every attempt, accepted or refused (duplicate,
forged, foreign, not confirmed...), is written as a CheckIn row. Check-ins are not written to
the audit chain: its single head lock would serialize the door, and the CheckIn table is
itself the append-only record of who checked whom in, when and on which device.

The door's hot path (the scanner endpoint): `scan_lookup` reads the registration named by the
token together with its event and organization in one query (the columns the check needs),
the check_in rule runs on that event, and `check_in` verifies the signature against it. An
accepted scan is then UPDATE + INSERT in one transaction; a refusal known from what was read
(bad code, not confirmed, checked in already) is a single INSERT.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.events.hooks import attendee_checked_in
from xiaoyou.events.models import (
    CheckIn,
    CheckInSource,
    Event,
    Registration,
    RegistrationStatus,
)

CODE_LENGTH = 10
SIGNATURE_BYTES = 10  # 80 bits: 16 base32 characters
TICKET_KEY_LABEL = b"xiaoyou.events.ticket.v1"
SELF_KEY_LABEL = b"xiaoyou.events.self-check-in.v1"

# Why a check-in was refused (CheckIn.reason); the values are stable codes, shown translated.
MALFORMED = "malformed"
FORGED = "forged"
FOREIGN = "foreign"
NOT_CONFIRMED = "not_confirmed"
NOT_REGISTERED = "not_registered"
DUPLICATE = "duplicate"
OFFLINE_CONFLICT = "offline_conflict"  # checked in on another device while both were offline

REASONS: dict[str, Any] = {
    MALFORMED: _("This is not a ticket code."),
    FORGED: _("The ticket's signature is not valid: it was not issued by us."),
    FOREIGN: _("This ticket is for another event."),
    NOT_CONFIRMED: _("This registration is not confirmed."),
    NOT_REGISTERED: _("You have no confirmed registration for this event."),
    DUPLICATE: _("This ticket has already been checked in."),
    OFFLINE_CONFLICT: _("Scanned on another device while offline: already checked in."),
}
register_messages({f"events.ticket_{code}": text for code, text in REASONS.items()})


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def _error(code: str) -> ApplicationError:
    return ApplicationError(f"events.ticket_{code}", REASONS[code])


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _event_secret(event: Event) -> str:
    """The event's signing secret, created once even when two requests race to create it."""
    if not event.ticket_secret:
        Event.objects.filter(pk=event.pk, ticket_secret="").update(
            ticket_secret=secrets.token_hex(32)
        )
        event.ticket_secret = Event.objects.values_list("ticket_secret", flat=True).get(pk=event.pk)
    return event.ticket_secret


def _derived_key(event: Event, label: bytes) -> bytes:
    return hmac.new(_event_secret(event).encode(), label, hashlib.sha256).digest()


def ticket_key(event: Event) -> bytes:
    """The key that signs and verifies this event's tickets (given to its staff's devices)."""
    return _derived_key(event, TICKET_KEY_LABEL)


def _sign(key: bytes, message: str) -> str:
    return _b32(hmac.new(key, message.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES])


def ticket_signature(event: Event, code: str, *, key: bytes | None = None) -> str:
    return _sign(key or ticket_key(event), f"{event.pk}:{code}")


def _new_code() -> str:
    return _b32(secrets.token_bytes(7))[:CODE_LENGTH]  # 50 random bits


def ticket_code_new(event: Event) -> str:
    """A fresh ticket number for a registration about to be inserted CONFIRMED (one UPDATE
    less than issuing it afterwards); the unique constraint guards the 50-bit space."""
    _event_secret(event)
    return _new_code()


def ticket_issue(*, registration: Registration) -> Registration:
    """Gives a registration its e-ticket number (once; a ticket never changes number).

    Called when a registration becomes confirmed. Idempotent: a registration that has a code
    keeps it. The unique constraint settles the (astronomically rare) collision: retry.
    """
    if registration.ticket_code:
        return registration
    _event_secret(registration.event)
    for _attempt in range(5):
        code = _new_code()
        if Registration.objects.filter(ticket_code=code).exists():
            continue
        updated = Registration.objects.filter(pk=registration.pk, ticket_code__isnull=True).update(
            ticket_code=code
        )
        if not updated:  # issued concurrently: keep the winner's code
            registration.ticket_code = Registration.objects.values_list(
                "ticket_code", flat=True
            ).get(pk=registration.pk)
            return registration
        registration.ticket_code = code
        return registration
    raise RuntimeError("could not draw a free ticket code")


def ticket_payload(registration: Registration) -> str:
    """The signed token the ticket's QR carries: CODE.SIGNATURE."""
    if not registration.ticket_code:
        ticket_issue(registration=registration)
    code = registration.ticket_code or ""
    return f"{code}.{ticket_signature(registration.event, code)}"


def _parse(token: str) -> tuple[str, str]:
    code, dot, signature = token.strip().upper().partition(".")
    if not dot or len(code) != CODE_LENGTH or not code.isalnum() or not signature.isalnum():
        raise _error(MALFORMED)
    return code, signature


# What a check-in reads of the registration and shows of the attendee (the scanner's answer);
# other registration fields load on use. The registrant's account comes whole ("user"): the
# hook's subscribers work with it (the cloud card notifies them of a voucher).
ATTENDEE_FIELDS = (
    "id",
    "event_id",
    "ticket_type_id",
    "name",
    "guests",
    "status",
    "ticket_code",
    "seat",
    "checked_in_at",
    "ticket_type__id",
    "ticket_type__name",
    "user",
)
# What check-in needs of the event: its key, its signing secret and where its organization sits
# in the tree (the check_in rule reads the path; hook subscribers such as shop points walk up
# by parent). Other fields load on use.
EVENT_FIELDS = ("id", "org_id", "ticket_secret", "org__id", "org__path", "org__parent_id")
EVENT_JOINED = tuple(f"event__{field}" for field in EVENT_FIELDS)


def _attendees() -> QuerySet[Registration]:
    return Registration.objects.select_related("ticket_type", "user").only(*ATTENDEE_FIELDS)


@dataclass(frozen=True)
class ScanLookup:
    """What one query read for a scanned token: the event, the registration of that event
    holding the token's ticket code (None when there is none) and whether another event holds
    the code. Nothing here is verified: `check_in` checks the actor's permission and the
    signature before using it."""

    event: Event | None
    code: str
    registration: Registration | None
    elsewhere: bool = False


def scan_lookup(*, event_pk: int, token: str) -> ScanLookup:
    """One query for a scan: the registration by its ticket code (unique across events), joined
    to its event and organization. The event alone is read (a second query) only when the code
    is no ticket of this event: malformed, unknown or another event's."""
    try:
        code, _signature = _parse(token)
    except ApplicationError:
        code = ""
    found = None
    if code:
        rows = (
            _attendees()
            .select_related("event__org")
            .only(*ATTENDEE_FIELDS, *EVENT_JOINED)
            .filter(ticket_code=code)
            .order_by()[:1]  # the code is unique: no ordering to compute
        )
        found = next(iter(rows), None)
        if found is not None and found.event_id == event_pk:
            return ScanLookup(event=found.event, code=code, registration=found)
    event = Event.objects.select_related("org").only(*EVENT_FIELDS).filter(pk=event_pk).first()
    return ScanLookup(event=event, code=code, registration=None, elsewhere=found is not None)


def ticket_verify(event: Event, token: str, *, lookup: ScanLookup | None = None) -> Registration:
    """The registration of `event` the token was issued for.

    Raises ApplicationError events.ticket_malformed / _forged / _foreign. The signature is
    checked first, in constant time; only a ticket that fails it is looked up across events to
    tell a ticket of another event from a forgery. `lookup` (from `scan_lookup`, for this event
    and code) saves reading the registration again.
    """
    code, signature = _parse(token)
    if hmac.compare_digest(signature, ticket_signature(event, code)):
        if lookup is not None and lookup.code == code and lookup.event is event:
            registration = lookup.registration
        else:
            registration = next(
                iter(_attendees().filter(event=event, ticket_code=code).order_by()[:1]), None
            )
        if registration is not None and registration.event_id == event.pk:
            registration.event = event  # known: no join
            return registration
        raise _error(FORGED)  # signed by us but unknown: a leaked key, never a real ticket
    if lookup is not None and lookup.code == code and lookup.event is event:
        raise _error(FOREIGN if lookup.elsewhere else FORGED)  # known: codes are unique
    if Registration.objects.filter(ticket_code=code).exclude(event=event).exists():
        raise _error(FOREIGN)
    raise _error(FORGED)


def event_self_token(event: Event) -> str:
    """The signature in the event's on-site QR (self check-in URL)."""
    return _sign(_derived_key(event, SELF_KEY_LABEL), f"self:{event.pk}")


def may_check_in(user: Any, event: Event) -> bool:
    """Staff check-in: admins of the event's organization (and above); see events policy."""
    return policy.can(user, "check_in", event)


def _claim(registration: Registration, at: dt.datetime) -> bool:
    return bool(
        Registration.objects.filter(
            pk=registration.pk,
            checked_in_at__isnull=True,
            status=RegistrationStatus.CONFIRMED,
        ).update(checked_in_at=at)
    )


def check_in(
    *,
    event: Event,
    token: str | None = None,
    registration: Registration | None = None,
    lookup: ScanLookup | None = None,
    actor: Any,
    source: str,
    device: str = "",
    scanned_at: dt.datetime | None = None,
) -> CheckIn:
    """Checks a registration in once; records every attempt (accepted or refused) as a CheckIn.

    Staff sources (scan, search, offline) need the `check_in` permission on the event (raises
    PermissionDenied, nothing recorded); `self` needs the actor to be the registrant. A
    registration is accepted only while confirmed and not yet checked in, claimed by a
    conditional UPDATE so concurrent scanners never both accept it. After commit, an accepted
    check-in sends the `attendee_checked_in` hook. `lookup` is what `scan_lookup` read for the
    token (the scanner's endpoint), so the registration is not read twice.

    A refusal known before the claim (bad code, not confirmed, checked in already as read) is
    one INSERT, atomic on its own; only a claim needs a transaction around UPDATE and INSERT.
    """
    if source == CheckInSource.SELF:
        if registration is None or registration.user_id is None:
            raise PermissionDenied("self check-in needs the registrant's own registration")
        if registration.user_id != getattr(actor, "pk", None):
            raise PermissionDenied("self check-in of someone else")
    elif not may_check_in(actor, event):
        raise PermissionDenied("check_in denied")
    scanned_at = scanned_at or timezone.now()
    reason = ""
    if token is not None:
        try:
            registration = ticket_verify(event, token, lookup=lookup)
        except ApplicationError as error:
            reason = error.code.removeprefix("events.ticket_")
            registration = None
    elif registration is None:
        raise ValueError("check_in needs a token or a registration")
    elif registration.event_id != event.pk:
        reason, registration = FOREIGN, None
    if registration is not None and registration.status != RegistrationStatus.CONFIRMED:
        reason = NOT_CONFIRMED
    elif registration is not None and not reason and registration.checked_in_at is not None:
        # Read as checked in already: refused without trying the claim (it cannot succeed,
        # checked_in_at is never cleared).
        reason = _refusal_checked_in(registration, source=source, device=device)
    row = CheckIn(
        registration=registration,
        event=event,
        source=source,
        accepted=not reason,
        reason=reason,
        device=device[:64],
        scanned_at=scanned_at,
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if registration is None or reason:
        row.save(force_insert=True)
        return row
    with transaction.atomic():
        if not _claim(registration, scanned_at):
            row.reason = _refusal_after_race(registration, source=source, device=device)
            row.accepted = False
        row.save(force_insert=True)
        if row.accepted:
            registration.checked_in_at = scanned_at
            attendee_checked_in.send(registration)
    return row


def _refusal_after_race(registration: Registration, *, source: str, device: str) -> str:
    """Why the claim failed: checked in already (offline twice: a conflict) or not confirmed."""
    current = Registration.objects.values_list("status", flat=True).get(pk=registration.pk)
    if current != RegistrationStatus.CONFIRMED:
        return NOT_CONFIRMED
    return _refusal_checked_in(registration, source=source, device=device)


def _refusal_checked_in(registration: Registration, *, source: str, device: str) -> str:
    """A confirmed registration already checked in: a duplicate, or for a scan synced from an
    offline device, a conflict when another device let the guest in first."""
    if source == CheckInSource.OFFLINE:
        first = (
            CheckIn.objects.filter(registration=registration, accepted=True)
            .order_by("id")
            .values_list("device", flat=True)
            .first()
        )
        if first is not None and first != device[:64]:
            return OFFLINE_CONFLICT
    return DUPLICATE


def self_check_in(*, event: Event, token: str, actor: Any) -> CheckIn:
    """Self check-in (自助签到): a signed-in registrant scanned the event's on-site QR."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("sign in first")
    if not hmac.compare_digest(token.upper(), event_self_token(event)):
        raise _error(FORGED)
    mine = Registration.objects.filter(event=event, user=actor).order_by("-id")
    registration = mine.filter(status=RegistrationStatus.CONFIRMED).first() or mine.first()
    if registration is None:
        CheckIn.objects.create(
            event=event,
            source=CheckInSource.SELF,
            accepted=False,
            reason=NOT_REGISTERED,
            scanned_at=timezone.now(),
            by=actor,
        )
        raise _error(NOT_REGISTERED)
    return check_in(event=event, registration=registration, actor=actor, source=CheckInSource.SELF)


def checkin_sync(
    *, event: Event, actor: Any, device: str, scans: list[dict[str, Any]]
) -> list[CheckIn]:
    """Applies check-ins queued by an offline device, in the order they were scanned.

    Each scan is {"token", "scanned_at" (ISO 8601)}. A scan already synced from this device
    (same ticket, same time: a retried upload) is not recorded twice. A ticket that another
    device checked in first is refused with reason `offline_conflict`, which the console flags.
    """
    if not may_check_in(actor, event):
        raise PermissionDenied("check_in denied")
    results: list[CheckIn] = []
    for scan in sorted(scans, key=lambda item: str(item.get("scanned_at", ""))):
        token = str(scan.get("token", ""))[:64]
        scanned_at = _parse_time(scan.get("scanned_at"))
        code = token.partition(".")[0].upper()
        earlier = CheckIn.objects.filter(
            event=event,
            device=device[:64],
            scanned_at=scanned_at,
            registration__ticket_code=code,
        ).first()
        if earlier is not None:
            results.append(earlier)
            continue
        results.append(
            check_in(
                event=event,
                token=token,
                actor=actor,
                source=CheckInSource.OFFLINE,
                device=device,
                scanned_at=scanned_at,
            )
        )
    return results


def _parse_time(value: Any) -> dt.datetime:
    now = timezone.now()
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return min(parsed, now)  # a device clock ahead of ours never dates a check-in in the future


def offline_bundle(*, event: Event, actor: Any) -> dict[str, Any]:
    """What a staff device needs to check in without network: the ticket list and the key."""
    if not may_check_in(actor, event):
        raise PermissionDenied("check_in denied")
    key = ticket_key(event)
    for registration in Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, ticket_code__isnull=True
    ).select_related("event"):  # confirmed before tickets existed: issue them now
        ticket_issue(registration=registration)
    tickets = [
        {
            "code": row["ticket_code"],
            "name": row["name"],
            "ticket_type": row["ticket_type__name"],
            "seat": row["seat"],
            "checked_in": row["checked_in_at"] is not None,
        }
        for row in Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED, ticket_code__isnull=False
        )
        .order_by("id")
        .values("ticket_code", "name", "ticket_type__name", "seat", "checked_in_at")
    ]
    return {
        "event": event.pk,
        "key": base64.b64encode(key).decode("ascii"),
        "generated_at": timezone.now().isoformat(),
        "tickets": tickets,
    }
