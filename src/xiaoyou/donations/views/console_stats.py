"""Console: 项目统计 — giving figures of the projects the user manages in the current
organization (and below): by project, organization, month, donor class year, first-time vs
repeat donors, the alumni giving rate; ECharts charts and the Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core.excel import export_response
from xiaoyou.donations.selectors import projects_managed_by
from xiaoyou.donations.selectors_stats import GivingStatistics, Period, Row, giving_statistics
from xiaoyou.payments.money import format_yuan


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None  # an unreadable date leaves that side of the period open


def period_of(request: HttpRequest) -> Period:
    """?since=YYYY-MM-DD&until=YYYY-MM-DD (Asia/Shanghai dates, both included)."""
    return Period(_date(request.GET.get("since", "")), _date(request.GET.get("until", "")))


def _statistics(request: HttpRequest) -> GivingStatistics:
    projects = in_current_org(projects_managed_by(request.user), request)
    return giving_statistics(projects, current_org(request), period_of(request))


def _year_label(row: Row) -> str:
    return str(row.label) if row.label else _("Unknown")


def _yuan(fen: int) -> float:
    # ECharts plots numbers; the fen stay integers everywhere else.
    return fen / 100


def _charts(stats: GivingStatistics) -> dict[str, Any]:
    def bars(title: str, rows: list[Row], label: Any = None) -> dict[str, Any]:
        return {
            "title": title,
            "labels": [label(row) if label else str(row.label) for row in rows],
            "values": [_yuan(row.raised) for row in rows],
            "name": _("Raised (yuan)"),
        }

    return {
        "projects": bars(_("Raised by project"), stats.by_project),
        "orgs": bars(_("Raised by organization"), stats.by_org),
        "months": bars(_("Raised by month"), stats.by_month),
        "years": bars(_("Raised by donor class year"), stats.by_class_year, _year_label),
        "donors": {
            "title": _("First-time and repeat donors"),
            "labels": [_("First-time donors"), _("Repeat donors")],
            "values": [stats.first_time_donors, stats.repeat_donors],
        },
    }


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    return render(
        request,
        "donations/console/statistics.html",
        {
            "stats": stats,
            "charts": _charts(stats),
            "org": current_org(request),
            "year_rows": [(_year_label(row), row) for row in stats.by_class_year],
            "period": period_of(request),
            "query": request.GET.urlencode(),
        },
    )


def statistics_rows(stats: GivingStatistics, org_name: str = "") -> list[list[Any]]:
    """One row per figure: figure, item, raised (yuan), gifts, donors; the giving rate's row
    has the verified alumni who gave (donors), the verified alumni and the rate in percent."""

    def money(fen: int) -> str:
        return format_yuan(fen)

    rate = stats.rate
    percent = "" if rate.percent is None else str(rate.percent)
    rows: list[list[Any]] = [
        [_("Totals"), _("All projects"), money(stats.raised), stats.gifts, stats.donors, "", ""],
        [_("Donors"), _("First-time donors"), money(stats.first_gifts_raised), "", stats.first_time_donors, "", ""],
        [_("Donors"), _("Repeat donors"), money(stats.repeat_gifts_raised), "", stats.repeat_donors, "", ""],
        [_("Alumni giving rate"), org_name, "", "", rate.donors, rate.alumni, percent],
    ]  # fmt: skip
    groups = (
        (_("By project"), stats.by_project, str),
        (_("By organization"), stats.by_org, str),
        (_("By month"), stats.by_month, str),
        (_("By donor class year"), stats.by_class_year, None),
    )
    for title, items, _label in groups:
        for row in items:
            label = _year_label(row) if _label is None else str(row.label)
            rows.append([title, label, money(row.raised), row.gifts, row.donors, "", ""])
    return rows


@require_GET
def statistics_export(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    return export_response(
        _("giving-statistics"),
        [
            _("Figure"),
            _("Item"),
            _("Raised (yuan)"),
            _("Gifts"),
            _("Donors"),
            _("Verified alumni"),
            _("Giving rate (%)"),
        ],
        statistics_rows(stats, str(current_org(request) or "")),
        "xlsx",
    )
