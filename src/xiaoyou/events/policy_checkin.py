"""Who may check attendees in: admins of the event's organization (and of those above it).

Self check-in needs no rule: the service checks that the actor is the registrant.
"""

from __future__ import annotations

from xiaoyou.core import policy


def register() -> None:
    from xiaoyou.events.models import Event
    from xiaoyou.organizations.models import Role

    # check_in is also declared by events.policy (same rule); kept here so check-in stands alone.
    for action in ("check_in", "print_badges", "assign_seats"):
        policy.register(Event, action, role=Role.ADMIN)
