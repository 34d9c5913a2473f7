"""django-anymail's `tracking` signal, connected at start: the receiver only hands each event to
the messaging service (services/email_provider_events.py), which applies it once.

anymail has checked the webhook's basic auth (ANYMAIL_WEBHOOK_SECRET) and the provider's
signature before it sends the signal; an exception here answers 500, and the provider posts
the event again later (applying it twice changes nothing).
"""

from __future__ import annotations

from typing import Any


def on_tracking_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from xiaoyou.messaging.services.email_provider_events import email_provider_event_record

    email_provider_event_record(provider=esp_name, event=event)


def register() -> None:
    from anymail.signals import tracking

    tracking.connect(on_tracking_event, dispatch_uid="xiaoyou.messaging.email_tracking_events")
