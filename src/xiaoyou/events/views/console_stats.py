"""Console statistics (活动统计) of one event: figures as stat cards, ECharts charts drawn by
static/events/stats.js from the figures embedded in the page, and an Excel export of the same
figures. Managers of the event only; the export needs the "export" right too."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoyou.core import policy
from xiaoyou.core.excel import export_response
from xiaoyou.events.selectors_stats import EventStatistics, event_statistics
from xiaoyou.events.views.console_events import managed_event
from xiaoyou.payments.money import format_yuan


def _charts(stats: EventStatistics) -> dict[str, Any]:
    """The figures of the charts, JSON-safe, with translated names."""
    return {
        "days": {
            "title": _("Sign-ups per day"),
            "labels": [day.isoformat() for day, _count in stats.by_day],
            "values": [count for _day, count in stats.by_day],
            "name": _("Sign-ups"),
        },
        "tickets": {
            "title": _("By ticket type"),
            "labels": [item.name for item in stats.by_ticket],
            "series": [
                {"name": _("Sign-ups"), "values": [i.registrations for i in stats.by_ticket]},
                {"name": _("Confirmed"), "values": [i.confirmed for i in stats.by_ticket]},
                {"name": _("Checked in"), "values": [i.checked_in for i in stats.by_ticket]},
            ],
        },
        "statuses": {
            "title": _("By status"),
            "labels": [str(label) for _value, label, _count in stats.by_status],
            "values": [count for _value, _label, count in stats.by_status],
        },
    }


@require_GET
def statistics_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    stats = event_statistics(event)
    return render(
        request,
        "events/console/statistics.html",
        {
            "event": event,
            "stats": stats,
            "charts": _charts(stats),
            "revenue": format_yuan(stats.revenue),
            "revenue_gross": format_yuan(stats.revenue_gross),
            "refunded": format_yuan(stats.refunded),
        },
    )


def statistics_rows(stats: EventStatistics) -> list[list[Any]]:
    """(figure, item, value) rows of the export: the totals, then each breakdown."""
    rate = "" if stats.check_in_rate is None else f"{stats.check_in_rate}%"
    rows: list[list[Any]] = [
        [_("Totals"), _("Sign-ups"), stats.total],
        [_("Totals"), _("Confirmed"), stats.confirmed],
        [_("Totals"), _("Checked in"), stats.checked_in],
        [_("Totals"), _("Check-in rate"), rate],
        [_("Totals"), _("On the waitlist"), stats.waitlist],
        [_("Totals"), _("Paid (yuan)"), format_yuan(stats.revenue_gross)],
        [_("Totals"), _("Refunded (yuan)"), format_yuan(stats.refunded)],
        [_("Totals"), _("Revenue (yuan)"), format_yuan(stats.revenue)],
    ]
    rows += [[_("Sign-ups per day"), day, count] for day, count in stats.by_day]
    for item in stats.by_ticket:
        rows += [
            [_("By ticket type"), f"{item.name} · {_('Sign-ups')}", item.registrations],
            [_("By ticket type"), f"{item.name} · {_('Confirmed')}", item.confirmed],
            [_("By ticket type"), f"{item.name} · {_('Checked in')}", item.checked_in],
        ]
    rows += [[_("By status"), str(label), count] for _value, label, count in stats.by_status]
    return rows


@require_GET
def statistics_export(request: HttpRequest, pk: int) -> HttpResponse:
    event = managed_event(request, pk)
    policy.require(request.user, "export", event)
    stats = event_statistics(event)
    return export_response(
        f"{event.title}-{_('statistics')}",
        [_("Figure"), _("Item"), _("Value")],
        statistics_rows(stats),
        "xlsx",
    )
