"""活动: create, edit, publish (or send to review), cancel and copy events; ticket types.

Org admins (and admins above) publish directly. Members of an organization may start an event
there (发起活动): it stays a draft they can edit until they publish it, which sends it to the
review queue ("events.event") of the organization; approval publishes it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, fragment_cache, policy, reviews
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.richtext import sanitize
from xiaoyou.events import errors
from xiaoyou.events.models import Event, EventStatus, Registration, TicketType
from xiaoyou.events.services import notices
from xiaoyou.events.services.transitions import LIVE

EVENT_REVIEW_KIND = "events.event"
# core.fragment_cache topic of the hall's event lists (the home section caches on it).
LIST_TOPIC = "events.list"

EVENT_FIELDS = {
    "title", "summary", "description", "cover", "kind", "starts_at", "ends_at", "place",
    "address", "map_url", "online_url", "capacity", "registration_opens_at",
    "registration_closes_at", "requires_approval", "visibility", "form_fields", "max_guests",
    "waitlist_enabled", "offer_minutes", "blacklist_enabled", "discussion", "tags", "parent",
    "series_key",
}  # fmt: skip
STAFF_FIELDS = {"is_pinned", "is_recommended"}
TICKET_FIELDS = {"name", "description", "price", "capacity", "is_active", "position"}


def _is_manager(actor: Any, event: Event) -> bool:
    return policy.can(actor, "manage", event)


def _is_own_draft(actor: Any, event: Event) -> bool:
    return (
        getattr(actor, "is_authenticated", False)
        and event.created_by_id == actor.pk
        and event.status in (EventStatus.DRAFT, EventStatus.REJECTED)
    )


def _apply(event: Event, fields: dict[str, Any], *, staff: bool) -> dict[str, list[Any]]:
    if not staff and set(fields) & STAFF_FIELDS:
        raise PermissionDenied("pinning and recommending are for the organization's admins")
    allowed = EVENT_FIELDS | STAFF_FIELDS
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError("invalid_input", f"unknown fields: {sorted(unknown)}")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        if name == "description":
            value = sanitize(value or "")
        before = getattr(event, name)
        if before != value:
            setattr(event, name, value)
            if name not in ("description", "cover", "form_fields"):
                changes[name] = [str(before), str(value)]
            else:
                changes[name] = ["…", "…"]
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        raise ApplicationError(errors.DATES_INVALID)
    if event.capacity is not None and event.capacity < event.seats_taken:
        raise ApplicationError(errors.CAPACITY_BELOW_TAKEN, taken=event.seats_taken)
    return changes


@transaction.atomic
def event_create(*, actor: Any, org: Any, **fields: Any) -> Event:
    """A draft event of `org`: org admins, or members of `org` starting one (goes to review)."""
    staff = policy.can(actor, "manage", Event, org=org)
    if not staff and not policy.can(actor, "propose", Event, org=org):
        raise PermissionDenied("create denied")
    event = Event(org=org, created_by=actor, ticket_secret=secrets.token_hex(32))
    _apply(event, fields, staff=staff)
    event.full_clean(exclude=["cover", "ticket_secret"])
    event.save()
    audit.record(
        actor=actor, action="events.event.create", obj=event, changes={"title": [None, event.title]}
    )
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, **fields: Any) -> Event:
    """Changes an event (its managers; the alumnus who started it while it is a draft).

    Rule: the capacity never drops below the seats taken; raising it hands the new seats to
    the waitlist. A cancelled event cannot be changed.
    """
    staff = _is_manager(actor, event)
    if not staff and not _is_own_draft(actor, event):
        raise PermissionDenied("update denied")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        raise ApplicationError(errors.EVENT_NOT_EDITABLE, status=409)
    event.seats_taken = locked.seats_taken
    changes = _apply(event, fields, staff=staff)
    if changes:
        event.full_clean(exclude=["cover", "ticket_secret"])
        # seats_taken is not written: only capacity.py moves it.
        event.save(update_fields=sorted(set(fields) | {"updated_at"}))
        audit.record(actor=actor, action="events.event.update", obj=event, changes=changes)
        fragment_cache.invalidate(LIST_TOPIC)
    if "capacity" in changes or "waitlist_enabled" in changes:
        from xiaoyou.events.services.registrations import _promote_if_room

        transaction.on_commit(lambda: _promote_if_room(event.pk))
    return event


@transaction.atomic
def event_publish(*, actor: Any, event: Event) -> Event:
    """Publishes an event (managers); an alumnus's own draft goes to review instead."""
    if _is_manager(actor, event):
        updated = Event.objects.filter(
            pk=event.pk, status__in=[EventStatus.DRAFT, EventStatus.IN_REVIEW, EventStatus.REJECTED]
        ).update(
            status=EventStatus.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
        )
        if updated:
            event.refresh_from_db()
            audit.record(
                actor=actor,
                action="events.event.publish",
                obj=event,
                changes={"status": [None, event.status]},
            )
            fragment_cache.invalidate(LIST_TOPIC)
        return event
    if not _is_own_draft(actor, event):
        raise PermissionDenied("publish denied")
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.IN_REVIEW, updated_at=timezone.now()
    )
    event.status = EventStatus.IN_REVIEW
    reviews.review_submit(obj=event, submitter=actor, org=event.org, summary=event.title)
    return event


def event_propose(*, actor: Any, org: Any, **fields: Any) -> Event:
    """发起活动: a member of `org` starts an event and sends it to review in one step (an admin
    of `org` publishes it at once)."""
    with transaction.atomic():
        event = event_create(actor=actor, org=org, **fields)
        return event_publish(actor=actor, event=event)


def _review_approve(event: Event, *, item: Any, actor: Any, reason: str) -> None:
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
    )
    fragment_cache.invalidate(LIST_TOPIC)


def _review_reject(event: Event, *, item: Any, actor: Any, reason: str) -> None:
    Event.objects.filter(pk=event.pk).update(status=EventStatus.REJECTED, updated_at=timezone.now())


def _review_details(event: Event) -> list[tuple[Any, Any]]:
    return [
        (_("Starts at"), timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")),
        (_("Place"), event.place or event.online_url or "—"),
        (_("Capacity"), event.capacity if event.capacity is not None else "—"),
        (_("Summary"), event.summary or "—"),
    ]


def register_review_kind() -> None:
    reviews.register(
        EVENT_REVIEW_KIND,
        model=Event,
        label=_("Events started by alumni"),
        on_approve=_review_approve,
        on_reject=_review_reject,
        details=_review_details,
        order=70,
    )


@transaction.atomic
def event_cancel(*, actor: Any, event: Event, reason: str) -> Event:
    """Cancels an event (its managers, with a reason). Every live registration is then
    cancelled, paid ones refunded and registrants notified by a task, not in this request."""
    policy.require(actor, "cancel", event)
    if not reason.strip():
        raise ApplicationError(errors.REASON_REQUIRED)
    now = timezone.now()
    updated = (
        Event.objects.filter(pk=event.pk)
        .exclude(status=EventStatus.CANCELLED)
        .update(
            status=EventStatus.CANCELLED,
            cancelled_at=now,
            cancel_reason=reason.strip()[:200],
            updated_at=now,
        )
    )
    event.refresh_from_db()
    if updated:
        audit.record(
            actor=actor,
            action="events.event.cancel",
            obj=event,
            changes={"reason": [None, event.cancel_reason]},
        )
        fragment_cache.invalidate(LIST_TOPIC)
        actor_id = actor.pk

        def later() -> None:
            from xiaoyou.events.tasks import event_registrations_cancel_task

            event_registrations_cancel_task.delay(event.pk, actor_id)

        transaction.on_commit(later)
    return event


def event_registrations_cancel(*, event: Event, actor: Any) -> int:
    """Cancels every live registration of a cancelled event (refunds, notices); idempotent."""
    from xiaoyou.events.services.registrations import registration_end

    count = 0
    for registration in Registration.objects.filter(event=event, status__in=LIVE).select_related(
        "event", "event__org", "payment"
    ):
        if registration_end(
            registration,
            to="cancelled",
            actor=actor,
            reason=event.cancel_reason,
            notify_kind=notices.EVENT_CANCELLED,
        ):
            count += 1
    return count


@transaction.atomic
def event_copy(*, actor: Any, event: Event) -> Event:
    """A new draft with the same settings and ticket types (no registrations, codes or seats)."""
    policy.require(actor, "manage", event)
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.status = EventStatus.DRAFT
    copy.seats_taken = 0
    copy.published_at = copy.cancelled_at = None
    copy.cancel_reason = ""
    copy.created_by = actor
    copy.ticket_secret = secrets.token_hex(32)
    copy.save()
    for ticket in event.ticket_types.all():
        ticket.pk = None
        ticket.event = copy
        ticket.seats_taken = 0
        ticket.save()
    audit.record(
        actor=actor, action="events.event.copy", obj=copy, changes={"from": [None, event.pk]}
    )
    return copy


@transaction.atomic
def ticket_type_save(
    *, actor: Any, event: Event, ticket_type: TicketType | None = None, **fields: Any
) -> TicketType:
    """Adds or changes a ticket type of `event` (its managers; the alumnus's own draft).

    Rule: its capacity never drops below the seats taken on it; price in integer fen."""
    if not _is_manager(actor, event) and not _is_own_draft(actor, event):
        raise PermissionDenied("ticket type denied")
    unknown = set(fields) - TICKET_FIELDS
    if unknown:
        raise ApplicationError("invalid_input", f"unknown fields: {sorted(unknown)}")
    price = fields.get("price", 0)
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise ApplicationError("invalid_input")
    if ticket_type is None:
        ticket_type = TicketType(event=event)
    elif ticket_type.event_id != event.pk:
        raise PermissionDenied("ticket type of another event")
    else:
        ticket_type.seats_taken = (
            TicketType.objects.select_for_update().get(pk=ticket_type.pk).seats_taken
        )
    changes = {
        name: [str(getattr(ticket_type, name, None)), str(value)] for name, value in fields.items()
    }
    for name, value in fields.items():
        setattr(ticket_type, name, value)
    if ticket_type.capacity is not None and ticket_type.capacity < ticket_type.seats_taken:
        raise ApplicationError(errors.CAPACITY_BELOW_TAKEN, taken=ticket_type.seats_taken)
    ticket_type.full_clean()
    if ticket_type.pk is None:
        ticket_type.save()
    else:
        ticket_type.save(update_fields=sorted(fields))
    audit.record(
        actor=actor,
        action="events.ticket_type.save",
        obj=ticket_type,
        org=event.org,
        changes=changes,
    )
    return ticket_type
