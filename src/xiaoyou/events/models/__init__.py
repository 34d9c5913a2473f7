"""Events models: one module per concept; every model is importable from here."""

from __future__ import annotations

from xiaoyou.events.models.access import BlacklistEntry, InvitationCode
from xiaoyou.events.models.events import Event, EventKind, EventStatus, TicketType, Visibility
from xiaoyou.events.models.registrations import (
    SEAT_HOLDING,
    CheckIn,
    CheckInSource,
    Registration,
    RegistrationStatus,
)

__all__ = [
    "SEAT_HOLDING",
    "BlacklistEntry",
    "CheckIn",
    "CheckInSource",
    "Event",
    "EventKind",
    "EventStatus",
    "InvitationCode",
    "Registration",
    "RegistrationStatus",
    "TicketType",
    "Visibility",
]
