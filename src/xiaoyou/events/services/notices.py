"""Notifications to registrants (报名通知): kinds, and sending them through a task after commit
so a sign-up never waits for a message (and a rolled-back one sends nothing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import notifications

CONFIRMED = "events.registration_confirmed"
APPROVED = "events.registration_approved"  # approved, the payment is due
WAITLISTED = "events.registration_waitlisted"
OFFERED = "events.seat_offered"
REJECTED = "events.registration_rejected"
EVENT_CANCELLED = "events.event_cancelled"

KINDS = (CONFIRMED, APPROVED, WAITLISTED, OFFERED, REJECTED, EVENT_CANCELLED)


def notify_after_commit(registration_id: int, kind: str, **extra: Any) -> None:
    """Enqueues the task that sends `kind` about the registration once the transaction commits."""

    def send() -> None:
        from xiaoyou.events.tasks import registration_notify

        registration_notify.delay(registration_id, kind, extra)

    transaction.on_commit(send)


def registration_notify(*, registration_id: int, kind: str, extra: dict[str, Any]) -> list[str]:
    """Sends `kind` to the registrant (nothing for a registration without an account)."""
    from xiaoyou.events.models import Registration

    registration = (
        Registration.objects.select_related("event", "event__org", "ticket_type", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.user is None:
        return []
    event = registration.event
    context = {
        "event_title": event.title,
        "org_name": event.org.name,
        "starts_at": event.starts_at,
        "place": event.place,
        "ticket_name": registration.ticket_type.name,
        "name": registration.name,
        "amount_yuan": f"{registration.amount / 100:.2f}",
        "offer_expires_at": registration.offer_expires_at,
        "reason": extra.get("reason") or registration.decision_reason or event.cancel_reason,
        "asked_to_leave": bool(extra.get("asked_to_leave")),
        "refunded": bool(extra.get("refunded")),
    }
    return notifications.notify(user=registration.user, kind=kind, context=context)


def register_notification_kinds() -> None:
    from xiaoyou.core.models import Channel

    notifications.register_kind(
        CONFIRMED,
        _("Event registration confirmed"),
        default_channels=[Channel.IN_APP],
        description=_("When your registration for an event is confirmed"),
        order=40,
    )
    notifications.register_kind(
        APPROVED,
        _("Event registration approved, payment due"),
        default_channels=[Channel.IN_APP],
        description=_("When your registration is approved and the ticket is waiting for payment"),
        order=41,
    )
    notifications.register_kind(
        WAITLISTED,
        _("Put on an event's waitlist"),
        default_channels=[Channel.IN_APP],
        description=_("When an event is full and you are on its waitlist"),
        order=42,
    )
    notifications.register_kind(
        OFFERED,
        _("Seat offered from the waitlist"),
        default_channels=[Channel.IN_APP, Channel.SMS],
        description=_("When a seat frees up for you and must be paid within a time limit"),
        order=43,
    )
    notifications.register_kind(
        REJECTED,
        _("Event registration declined"),
        default_channels=[Channel.IN_APP],
        description=_("When an organizer declines your registration or asks you to leave"),
        order=44,
    )
    notifications.register_kind(
        EVENT_CANCELLED,
        _("Event cancelled"),
        default_channels=[Channel.IN_APP, Channel.SMS],
        description=_("When an event you registered for is cancelled"),
        order=45,
    )
