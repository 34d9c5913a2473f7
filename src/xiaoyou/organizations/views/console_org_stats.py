"""Console page of one organization's statistics (组织统计): members by kind and time, with
an Excel download of the same tables."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.core import excel, policy
from xiaoyou.organizations import selectors_stats
from xiaoyou.organizations.models import Organization
from xiaoyou.organizations.views.console_orgs import _managed


def _label(value: str) -> str:
    return value if value != selectors_stats.UNKNOWN else gettext("Unknown")


def org_stats(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed(request, pk)
    policy.require(request.user, "view_stats", org)
    stats = selectors_stats.organization_statistics(org)
    tables = _stats_tables(stats)
    if request.GET.get("export") == "xlsx":
        return _stats_workbook(org, tables)
    charts = {
        "months": {
            "labels": [point.month for point in stats.months],
            "joined": [point.joined for point in stats.months],
            "total": [point.total for point in stats.months],
            "joinedName": gettext("Joined"),
            "totalName": gettext("Members"),
        },
        **{
            table["key"]: {
                "labels": [row[0] for row in table["rows"]],
                "values": [row[1] for row in table["rows"]],
                "name": gettext("Members"),
            }
            for table in tables[1:]
        },
    }
    return render(
        request,
        "organizations/console/orgs/stats.html",
        {"org": org, "stats": stats, "tables": tables, "charts": charts},
    )


def _stats_tables(stats: selectors_stats.OrganizationStatistics) -> list[dict[str, Any]]:
    """The figures as tables (page and workbook): title, headers, rows."""
    month_rows = [[point.month, point.joined, point.total] for point in reversed(stats.months)]
    tables: list[dict[str, Any]] = [
        {
            "key": "months",
            "title": gettext("Members over time"),
            "headers": [gettext("Month"), gettext("Joined"), gettext("Members")],
            "rows": month_rows,
        }
    ]
    for key, title, header, buckets in (
        ("departments", gettext("By department"), gettext("Department"), stats.departments),
        (
            "graduation_years",
            gettext("By year of graduation"),
            gettext("Year of graduation"),
            stats.graduation_years,
        ),
        ("cities", gettext("By city"), gettext("City"), stats.cities),
        ("industries", gettext("By industry"), gettext("Industry"), stats.industries),
    ):
        tables.append(
            {
                "key": key,
                "title": title,
                "headers": [header, gettext("Members")],
                "rows": [[_label(bucket.label), bucket.count] for bucket in buckets],
            }
        )
    return tables


def _stats_workbook(org: Organization, tables: list[dict[str, Any]]) -> HttpResponse:
    """All the tables in one workbook, a sheet each, formula-safe like every export."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=excel_sheet_title(table["title"]))
        sheet.append([excel.cell_value(header) for header in table["headers"]])
        for row in table["rows"]:
            sheet.append([excel.cell_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"{org.short_name or org.name}-{gettext('statistics')}-{stamp}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=excel.XLSX_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"statistics-{org.pk}-{stamp}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def excel_sheet_title(title: str) -> str:
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    return "".join("_" if char in "[]:*?/\\" else char for char in title)[:31]
