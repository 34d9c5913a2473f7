"""Template tag for pages outside messaging that show an organization's SMS allocation (the
invitation and event-notice pages): `{% load sms_quota %}{% sms_allocation org as allocation %}`
gives this year's allocation (allocated, used, reserved, remaining) or None."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoyou.messaging.models import SmsAllocation
from xiaoyou.messaging.services.quota import allocation_for

register = template.Library()


@register.simple_tag
def sms_allocation(org: Any) -> SmsAllocation | None:
    if org is None or getattr(org, "pk", None) is None:
        return None
    return allocation_for(org=org)
