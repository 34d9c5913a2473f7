"""Extension points of the events app (钩子): other modules react to what happens at an event.

A hook is a named list of subscribers, called explicitly by a service (never a Django signal)
once the service's transaction has committed, so a subscriber sees the committed state and a
rolled-back check-in never triggers anything. A failing subscriber is logged and does not stop
the others nor undo the check-in; a subscriber that does slow work enqueues a task.

Hooks and their subscribers (keep this list current when you subscribe):

- `attendee_checked_in.send(registration)`: sent by `services.tickets.check_in` after a
  check-in is accepted (scan, name search, self check-in, offline sync), once per registration.
  Subscribers:
  - `xiaoyou.cards.services.vouchers.on_attendee_checked_in` (subscribed in the cards app's
    ready()): issues the vouchers of the event's check-in rules (e.g. a reunion meal voucher).
  - `xiaoyou.shop.services.points.on_attendee_checked_in` (subscribed in the shop app's
    ready()): awards the points of the event's organization's "event attended" rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[Any], None]


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self.subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Subscriber:
        """Adds `subscriber` (once); usable as a decorator."""
        if subscriber not in self.subscribers:
            self.subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.remove(subscriber)

    def send(self, subject: Any) -> None:
        """Calls every subscriber with `subject` after the current transaction commits."""
        transaction.on_commit(lambda: self._deliver(subject))

    def _deliver(self, subject: Any) -> None:
        for subscriber in list(self.subscribers):
            try:
                subscriber(subject)
            except Exception:  # a subscriber's bug must not break check-in at the door
                logger.exception("hook %s: subscriber %r failed", self.name, subscriber)


attendee_checked_in = Hook("attendee_checked_in")

HOOKS: dict[str, Hook] = {hook.name: hook for hook in (attendee_checked_in,)}
