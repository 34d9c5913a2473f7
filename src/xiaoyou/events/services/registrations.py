"""报名: sign-ups, their review, cancellation and asking to leave (请退).

A sign-up takes its seats with the conditional UPDATEs of capacity.py inside its own
transaction; when the event or the ticket type is full it goes on the waitlist (when enabled)
or is refused, and the person is told at once. Registrations of events that need approval hold
their seat while waiting (PENDING_REVIEW) and are decided from the event's registration list,
not from the global review queue: an anniversary brings thousands of them, which would drown
the to-do list, and the list has the filters and bulk actions to decide them.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.events import errors
from xiaoyou.events.models import (
    BlacklistEntry,
    Event,
    EventStatus,
    InvitationCode,
    Registration,
    RegistrationStatus,
    TicketType,
)
from xiaoyou.events.policy import visibility_allows
from xiaoyou.events.services import notices
from xiaoyou.events.services.capacity import seats_take, signup_precheck
from xiaoyou.events.services.transitions import (
    LIVE,
    order_attach,
    payment_refund,
    payment_settle_open,
    status_move,
    ticket_issue_if_available,
)
from xiaoyou.events.services.waitlist import waitlist_promote

S = RegistrationStatus


def registration_window_check(event: Event) -> None:
    """Raises unless `event` takes registrations now (published, inside its window)."""
    if event.status != EventStatus.PUBLISHED:
        raise ApplicationError(errors.NOT_PUBLISHED, status=409)
    now = timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        raise ApplicationError(errors.NOT_OPEN_YET, status=409)
    closes = event.registration_closes_at or event.ends_at
    if closes and now >= closes:
        raise ApplicationError(errors.CLOSED, status=409)


def blacklist_check(event: Event, user: Any) -> None:
    """Raises `blacklisted` with the entry's reason when the user is barred from the event,
    by the event itself or by its organization or one above it."""
    if not event.blacklist_enabled:
        return
    reason = (
        BlacklistEntry.objects.filter(user_id=user.pk)
        .filter(Q(event_id=event.pk) | Q(org_id__in=event.org.ancestor_ids()))
        .order_by("-id")
        .values_list("reason", flat=True)
        .first()
    )
    if reason is not None:
        raise ApplicationError(errors.BLACKLISTED, status=403, reason=reason)


def answers_clean(event: Event, answers: dict[str, Any] | None) -> dict[str, Any]:
    """Keeps the answers to the event's form fields; required ones must be answered and
    choices must be among the offered ones."""
    answers = answers or {}
    clean: dict[str, Any] = {}
    for field in event.form_fields or []:
        key = field.get("key")
        if not key:
            continue
        value = answers.get(key)
        if isinstance(value, str):
            value = value.strip()
        empty = value in (None, "", [])
        if empty:
            if field.get("required"):
                raise ApplicationError(errors.ANSWER_REQUIRED, label=field.get("label") or key)
            continue
        choices = field.get("choices") or []
        if field.get("type") == "choice" and choices and value not in choices:
            raise ApplicationError("invalid_input")
        if field.get("type") == "multiple":
            values = value if isinstance(value, list) else [value]
            if choices and any(item not in choices for item in values):
                raise ApplicationError("invalid_input")
            value = values
        clean[key] = value
    return clean


def invitation_find(event: Event, code: str) -> InvitationCode:
    invitation = InvitationCode.objects.filter(
        event=event, code=code.strip(), is_active=True
    ).first()
    if invitation is None or invitation.uses >= invitation.uses_allowed:
        raise ApplicationError(errors.INVITATION_INVALID)
    return invitation


def _invitation_use(invitation: InvitationCode) -> None:
    """Counts one use atomically (the last use of a single-use code goes to one person)."""
    table = InvitationCode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET uses = uses + 1 "  # noqa: S608
            "WHERE id = %s AND is_active AND uses < uses_allowed",
            [invitation.pk],
        )
        if cursor.rowcount != 1:
            raise ApplicationError(errors.INVITATION_INVALID)


def _registration_insert(
    *,
    event: Event,
    ticket_type: TicketType,
    user: Any,
    fields: dict[str, Any],
    guests: int,
    status: str,
    seats: int,
    invitation: InvitationCode | None,
) -> Registration:
    """The INSERT of a sign-up; a second live registration of the person is refused by the
    unique constraint events_one_live_registration (one query less than checking first).
    A sign-up confirmed at once gets its e-ticket number in the same INSERT."""
    from xiaoyou.events.services.tickets import ticket_code_new

    try:
        return Registration.objects.create(
            event=event,
            ticket_type=ticket_type,
            user=user,
            name=fields["name"][:50],
            phone=fields["phone"].strip()[:20],
            email=fields["email"].strip(),
            answers=fields["answers"],
            guests=guests,
            status=status,
            seats=seats,
            waitlisted_at=timezone.now() if status == S.WAITLISTED else None,
            amount=ticket_type.price * (1 + guests),
            invitation=invitation,
            ticket_code=ticket_code_new(event) if status == S.CONFIRMED else None,
        )
    except IntegrityError:
        raise ApplicationError(errors.ALREADY_REGISTERED, status=409) from None


def registration_create(
    *,
    event: Event,
    ticket_type: TicketType,
    user: Any,
    name: str,
    phone: str = "",
    email: str = "",
    answers: dict[str, Any] | None = None,
    guests: int = 0,
    invitation_code: str = "",
) -> Registration:
    """Signs `user` up for `event` with `ticket_type` (and `guests` extra people).

    Rules: the event is published and inside its registration window; the ticket type is on
    sale; the user may register (visibility, or a valid invitation code), is not blacklisted
    and has no live registration. Seats (1 + guests) are taken by conditional UPDATE; when
    full: WAITLISTED (waitlist enabled) or `full`. An invitation code may bypass capacity and
    approval (per its flags); its uses are counted atomically. Without approval a free ticket
    is CONFIRMED (e-ticket issued) and a paid one AWAITING_PAYMENT with a payment order.
    """
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(errors.NAME_REQUIRED)
    registration_window_check(event)
    if ticket_type.event_id != event.pk or not ticket_type.is_active:
        raise ApplicationError(errors.TICKET_UNAVAILABLE)
    if guests < 0 or guests > event.max_guests:
        raise ApplicationError(errors.TOO_MANY_GUESTS, limit=event.max_guests)
    clean_answers = answers_clean(event, answers)
    invitation = invitation_find(event, invitation_code) if invitation_code.strip() else None
    if not visibility_allows(user, event, has_invitation=invitation is not None):
        raise ApplicationError(errors.NOT_ALLOWED, status=403)
    # A second live registration is refused by the unique constraint
    # events_one_live_registration at the INSERT below (one query less per sign-up).

    seats = 1 + guests
    beyond_capacity = bool(invitation and invitation.bypass_capacity)
    needs_approval = event.requires_approval and not (invitation and invitation.bypass_approval)
    # Once full, a rush skips the UPDATE (and its wait for the event row's lock).
    full_already, barred_because = signup_precheck(
        event=event,
        ticket_type=ticket_type,
        seats=seats,
        user_id=user.pk,
        blacklist_org_ids=event.org.ancestor_ids() if event.blacklist_enabled else [],
    )
    if barred_because is not None:
        raise ApplicationError(errors.BLACKLISTED, status=403, reason=barred_because)
    full_already = full_already and not beyond_capacity
    if full_already and invitation is None:
        # The rush's common case once the seats are gone: one INSERT, atomic on its own, so no
        # BEGIN/COMMIT round trips (9 of 10 sign-ups of an anniversary take this path).
        if not event.waitlist_enabled:
            raise ApplicationError(errors.FULL, status=409)
        registration = _registration_insert(
            event=event,
            ticket_type=ticket_type,
            user=user,
            fields={"name": name, "phone": phone, "email": email, "answers": clean_answers},
            guests=guests,
            status=S.WAITLISTED,
            seats=0,
            invitation=None,
        )
        notices.notify_after_commit(registration.pk, notices.WAITLISTED)
        return registration
    with transaction.atomic():
        if invitation is not None:
            _invitation_use(invitation)
        took = not full_already and seats_take(
            event_id=event.pk,
            ticket_type_id=ticket_type.pk,
            seats=seats,
            beyond_capacity=beyond_capacity,
        )
        if took:
            if needs_approval:
                status = S.PENDING_REVIEW
            else:
                status = S.CONFIRMED if ticket_type.is_free else S.AWAITING_PAYMENT
        elif event.waitlist_enabled:
            status = S.WAITLISTED
        else:
            raise ApplicationError(errors.FULL, status=409)
        # No savepoint: on a duplicate the whole transaction rolls back (seats too).
        registration = _registration_insert(
            event=event,
            ticket_type=ticket_type,
            user=user,
            fields={"name": name, "phone": phone, "email": email, "answers": clean_answers},
            guests=guests,
            status=status,
            seats=seats if took else 0,
            invitation=invitation,
        )
        if status == S.AWAITING_PAYMENT:
            order_attach(registration)
        elif status == S.CONFIRMED:
            ticket_issue_if_available(registration)
            notices.notify_after_commit(registration.pk, notices.CONFIRMED)
        elif status == S.WAITLISTED:
            # A seat freed while this sign-up was deciding (a release whose promotion ran
            # before this commit) is handed out by the periodic holds_expire pass.
            notices.notify_after_commit(registration.pk, notices.WAITLISTED)
    return registration


def _promote_if_room(event_id: int) -> None:
    from xiaoyou.events.services.waitlist import has_room

    event = Event.objects.filter(pk=event_id).first()
    if event is not None and has_room(event):
        waitlist_promote(event=event)


def registration_approve(*, actor: Any, registration: Registration, reason: str = "") -> None:
    """Approves a registration waiting for approval (admins of the event's organization).

    Rule: it keeps the seat it held; a free ticket becomes CONFIRMED (e-ticket issued), a paid
    one AWAITING_PAYMENT with its payment order.
    """
    policy.require(actor, "manage", registration)
    with transaction.atomic():
        paid = registration.amount > 0
        moved = status_move(
            registration,
            to=S.AWAITING_PAYMENT if paid else S.CONFIRMED,
            expected=S.PENDING_REVIEW,
            decided_by=actor,
            decision_reason=reason.strip()[:200],
        )
        if not moved:
            raise ApplicationError(errors.STATUS_CHANGED, status=409)
        if paid:
            order_attach(registration)
            notices.notify_after_commit(registration.pk, notices.APPROVED)
        else:
            ticket_issue_if_available(registration)
            notices.notify_after_commit(registration.pk, notices.CONFIRMED)
        audit.record(
            actor=actor,
            action="events.registration.approve",
            obj=registration,
            org=registration.event.org,
            changes={"status": [S.PENDING_REVIEW.value, registration.status]},
        )


def registration_reject(*, actor: Any, registration: Registration, reason: str = "") -> None:
    """Declines a registration waiting for approval or on the waitlist; its seat goes to the
    waitlist and the person is told (with the reason)."""
    policy.require(actor, "manage", registration)
    before = registration.status
    if before not in (S.PENDING_REVIEW, S.WAITLISTED):
        raise ApplicationError(errors.STATUS_CHANGED, status=409)
    with transaction.atomic():
        moved = status_move(
            registration,
            to=S.REJECTED,
            expected=before,
            decided_by=actor,
            decision_reason=reason.strip()[:200],
        )
        if not moved:
            raise ApplicationError(errors.STATUS_CHANGED, status=409)
        notices.notify_after_commit(registration.pk, notices.REJECTED, reason=reason.strip())
        audit.record(
            actor=actor,
            action="events.registration.reject",
            obj=registration,
            org=registration.event.org,
            changes={"status": [before, S.REJECTED.value], "reason": [None, reason.strip()]},
        )
        transaction.on_commit(lambda: _promote_if_room(registration.event_id))


def registration_end(
    registration: Registration,
    *,
    to: str,
    actor: Any,
    reason: str,
    notify_kind: str = "",
    **notify_extra: Any,
) -> bool:
    """Ends a live registration (cancelled / asked to leave): seats released once, the open
    order closed, a paid one refunded, the waitlist promoted. False when it had already ended.
    No policy check: the callers check."""
    with transaction.atomic():
        moved = False
        for _attempt in range(3):  # its status may move (paid, promoted) while we try
            registration.refresh_from_db(fields=["status", "seats", "payment"])
            if registration.status not in LIVE:
                return False
            before = registration.status
            moved = status_move(
                registration,
                to=to,
                expected=before,
                decided_by=actor if getattr(actor, "is_authenticated", False) else None,
                decision_reason=reason.strip()[:200],
            )
            if moved:
                break
        if not moved:
            raise ApplicationError(errors.STATUS_CHANGED, status=409)
        audit.record(
            actor=actor,
            action=f"events.registration.{to}",
            obj=registration,
            org=registration.event.org,
            changes={"status": [before, to], "reason": [None, reason.strip()]},
        )
        transaction.on_commit(lambda: _promote_if_room(registration.event_id))
    refund = (
        payment_refund(registration, actor=actor, reason=reason)
        if registration.payment_id
        else None
    )
    if notify_kind:
        notices.notify_after_commit(
            registration.pk, notify_kind, reason=reason, refunded=refund is not None, **notify_extra
        )
    return True


def registration_cancel(*, actor: Any, registration: Registration, reason: str = "") -> bool:
    """Cancels a registration (its registrant, or the event's managers): the seat is freed and
    offered to the waitlist, an unpaid order closed, a paid one refunded in full."""
    policy.require(actor, "cancel", registration)
    return registration_end(registration, to=S.CANCELLED, actor=actor, reason=reason)


def registration_ask_to_leave(*, actor: Any, registration: Registration, reason: str) -> bool:
    """请退: the event's managers remove a registrant (with a reason, told to them); the seat
    is freed and a payment refunded in full."""
    policy.require(actor, "manage", registration)
    if not reason.strip():
        raise ApplicationError(errors.REASON_REQUIRED)
    return registration_end(
        registration,
        to=S.ASKED_TO_LEAVE,
        actor=actor,
        reason=reason,
        notify_kind=notices.REJECTED,
        asked_to_leave=True,
    )


__all__ = [
    "payment_settle_open",
    "registration_approve",
    "registration_ask_to_leave",
    "registration_cancel",
    "registration_create",
    "registration_reject",
    "waitlist_promote",
]
