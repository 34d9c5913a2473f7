"""校友统计 (console): the charts of the archive, their figures as JSON and each as Excel.

The page is a shell (titles, no figures: it renders at once); static/alumni/stats.js fetches
every chart's JSON from the data endpoint in parallel and draws it with ECharts, so each chart
appears as soon as its own query is done. Figures come from the statistics cache
(selectors_stats_cache, 10 minutes) with the time they were computed; `refresh=<token>` recomputes,
at most REFRESH_RATE times per user and chart. The China and world maps load their outlines
from static files and drill down through the same endpoint (chart=city&province=...).
Filters: an organization the user administers (platform admins may also choose the whole
archive) and a graduation-year range.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from xiaoyou.alumni.selectors_stats import Chart, StatsFilters, chart_keys, chart_specs
from xiaoyou.alumni.selectors_stats_cache import cache_seconds, cached_chart
from xiaoyou.alumni.stats_regions import PROVINCE_FILES
from xiaoyou.console.context import current_org, org_choices
from xiaoyou.core import ratelimit
from xiaoyou.core.excel import export_response
from xiaoyou.organizations.selectors import administered_organizations

ALL = 0  # the organization "id" of the whole scope (every record the user may see)
REFRESH_RATE = (3, 60)  # recomputations of one chart per user: 3 a minute


def _year(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def _org(request: HttpRequest, org_id: Any) -> Any:
    """The filter organization: one the user administers (404 otherwise); ALL = no filter."""
    if str(org_id) == str(ALL):
        return None
    try:
        pk = int(org_id)
    except (TypeError, ValueError):
        raise Http404("unknown organization") from None
    org = administered_organizations(request.user).filter(pk=pk).first()
    if org is None:
        raise Http404("unknown organization")
    return org


def stats_filters(request: HttpRequest, org_id: Any = None) -> StatsFilters:
    """Filters from the query string; without `org`, platform admins see the whole archive
    and others the organization chosen in the console's switcher."""
    if org_id is None:
        org_id = request.GET.get("org", "")
    if org_id in ("", None):
        org = None if request.user.is_superuser else current_org(request)
    else:
        org = _org(request, org_id)
    return StatsFilters(
        org=org,
        graduation_year_min=_year(request.GET.get("graduation_year_min")),
        graduation_year_max=_year(request.GET.get("graduation_year_max")),
    )


def _export_url(chart: str, filters: StatsFilters, query: str) -> str:
    org_id = filters.org.pk if filters.org is not None else ALL
    url = reverse("console:alumni_stats_export", kwargs={"org": org_id, "chart": chart})
    return f"{url}?{query}" if query else url


def _query(filters: StatsFilters) -> str:
    from urllib.parse import urlencode

    params = {
        "graduation_year_min": filters.graduation_year_min or "",
        "graduation_year_max": filters.graduation_year_max or "",
    }
    return urlencode({key: value for key, value in params.items() if value})


def alumni_stats(request: HttpRequest) -> HttpResponse:
    """The shell: filters, one empty card per chart; no record is read here."""
    filters = stats_filters(request)
    query = _query(filters)
    specs = chart_specs()
    maps = {
        "china": static("vendor/maps/china.json"),
        "world": static("vendor/maps/world.json"),
        "province": static("vendor/maps/province/__FILE__.json"),
        "data": reverse("console:alumni_stats_data"),
        "query": f"org={filters.org.pk if filters.org is not None else ALL}"
        + (f"&{query}" if query else ""),
    }
    return render(
        request,
        "alumni/console/stats/page.html",
        {
            "items": [
                {"chart": spec, "export": _export_url(spec["key"], filters, query)}
                for spec in specs
            ],
            "specs": specs,
            "maps": maps,
            "province_files": PROVINCE_FILES,
            "filters": filters,
            "org_options": org_choices(request),
            "whole_archive": request.user.is_superuser,
            "cache_minutes": max(1, cache_seconds() // 60),
        },
    )


def _chart(request: HttpRequest, key: str, filters: StatsFilters) -> Chart | None:
    """The cached chart; with ?refresh=<token> recomputed unless the user's refreshes of this chart
    are used up (then the cached figures, marked `throttled`)."""
    province = request.GET.get("province", "")
    # refresh=<token>: the page sends one token per click, so the charts of one pass
    # (selectors_stats_passes) recompute it once.
    refresh: str | bool = request.GET.get("refresh", "")[:40]
    refresh = False if refresh in ("", "0") else refresh
    throttled = False
    if refresh and not ratelimit.hit(
        f"alumni-stats-refresh:{request.user.pk}:{key}", *REFRESH_RATE
    ):
        refresh, throttled = False, True
    chart = cached_chart(request.user, key, filters, refresh=refresh, province=province)
    if chart is not None and throttled:
        chart.extra = {**chart.extra, "throttled": True}
    return chart


def alumni_stats_data(request: HttpRequest) -> JsonResponse:
    """GET ?chart=<key>[&province=广东][&refresh=<token>] one chart, without `chart` every chart."""
    filters = stats_filters(request)
    key = request.GET.get("chart", "")
    if not key:
        charts = [_chart(request, name, filters) for name in chart_keys()]
        return JsonResponse({chart.key: chart.as_dict() for chart in charts if chart is not None})
    chart = _chart(request, key, filters)
    if chart is None:
        raise Http404("unknown chart")
    return JsonResponse(chart.as_dict())


def alumni_stats_export(request: HttpRequest, org: int, chart: str) -> HttpResponse:
    filters = stats_filters(request, org_id=org)
    found = cached_chart(request.user, chart, filters, province=request.GET.get("province", ""))
    if found is None:
        raise Http404("unknown chart")
    name = f"{found.title}-{timezone.localdate().isoformat()}"
    return export_response(name, found.headers, found.rows, "xlsx")
