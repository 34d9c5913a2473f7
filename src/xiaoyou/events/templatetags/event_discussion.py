"""`{% event_discussion event %}` renders an event's discussion section and
`{% event_favorite event %}` its favorite star, so the event page's view needs no change."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("events/hall/_discussion_section.html", takes_context=True)
def event_discussion(context: Any, event: Any) -> dict[str, Any]:
    from xiaoyou.events.views.hall_discussion import discussion_context

    request = context["request"]
    return {**discussion_context(request, event), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("events/hall/_favorite_star.html", takes_context=True)
def event_favorite(context: Any, event: Any) -> dict[str, Any]:
    from xiaoyou.events.views.hall_discussion import star_context

    return {**star_context(context["request"], event), "csrf_token": context.get("csrf_token")}
