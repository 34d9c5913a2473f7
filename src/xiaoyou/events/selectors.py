"""Reads of events and registrations, scoped by the policy rules of events/policy.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoyou.core import policy
from xiaoyou.events.models import Event, EventStatus, Registration, Visibility
from xiaoyou.events.services.transitions import LIVE


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Published (and cancelled) events `user` may see in the hall: public ones; members-only
    ones of organizations they belong to; verified-alumni ones when verified; invite-only ones
    they hold a registration for; every event of the organizations they administer."""
    from xiaoyou.events.policy import is_verified_alumnus

    listed = Event.objects.filter(status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED])
    allowed = Q(visibility=Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        if user.is_superuser and user.is_active:
            return listed.select_related("org")
        from xiaoyou.directory.selectors import organization_ids_of
        from xiaoyou.organizations.models import Role
        from xiaoyou.organizations.selectors import org_filter

        allowed |= Q(visibility=Visibility.MEMBERS, org_id__in=organization_ids_of(user.pk))
        if is_verified_alumnus(user):
            allowed |= Q(visibility=Visibility.VERIFIED)
        allowed |= Q(pk__in=Registration.objects.filter(user=user).values("event_id"))
        managed = org_filter(user, Role.ADMIN)
        if managed is not None:
            allowed |= managed
    return listed.filter(allowed).select_related("org")


def events_managed_by(user: Any) -> QuerySet[Event]:
    """Every event (any status) of the organizations `user` administers and those below."""
    return policy.scoped(Event.objects.select_related("org"), user, "manage")


def registrations_for_event(user: Any, event: Event) -> QuerySet[Registration]:
    """The event's registrations for its managers; only the user's own for everybody else."""
    queryset = Registration.objects.filter(event=event).select_related(
        "ticket_type", "user", "payment"
    )
    if policy.can(user, "manage", event):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(user=user)


def registration_of(user: Any, event: Event) -> Registration | None:
    """The user's live registration for `event`, else their latest one (None if never)."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = Registration.objects.filter(event=event, user=user).select_related("ticket_type")
    return mine.filter(status__in=LIVE).first() or mine.order_by("-created_at", "-id").first()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waitlisted."""
    if registration.status != "waitlisted" or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status="waitlisted").filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def event_series_dates(event: Event, *, published_only: bool) -> list[Event]:
    """The other dates of `event`'s recurring series, in time order (none without a series)."""
    if not event.series_key:
        return []
    queryset = Event.objects.filter(series_key=event.series_key).exclude(pk=event.pk)
    if published_only:
        queryset = queryset.filter(status=EventStatus.PUBLISHED)
    return list(queryset.order_by("starts_at", "id"))


def event_sessions(event: Event, *, published_only: bool) -> list[Event]:
    """The sessions (child events) of a main event, in time order."""
    queryset = Event.objects.filter(parent_id=event.pk)
    if published_only:
        queryset = queryset.filter(status=EventStatus.PUBLISHED)
    return list(queryset.order_by("starts_at", "id"))
