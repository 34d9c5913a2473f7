"""`{% event_tabs event "key" %}`: the tab bar of an event's console pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from xiaoyou.events.console_tabs import TABS

register = template.Library()


@register.inclusion_tag("events/console/_event_tabs.html")
def event_tabs(event: Any, active: str) -> dict[str, Any]:
    tabs = [
        {"key": key, "url": reverse(url_name, args=[event.pk]), "label": label}
        for key, url_name, label in TABS
    ]
    return {"tabs": tabs, "active": active}
