"""API of the alumni statistics (校友统计): GET /alumni/stats?chart=...

The same selectors as the console page and the same scope: staff see the records they may see
as console users (platform admins the whole archive), optionally narrowed to an organization
they administer and a graduation-year range. Without `chart`, every chart is returned. Figures
come from the statistics cache (up to ALUMNI_STATS_CACHE_SECONDS old; `as_of` tells when).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from xiaoyou.alumni.selectors_stats import StatsFilters, chart_keys
from xiaoyou.alumni.selectors_stats_cache import cached_chart
from xiaoyou.console.context import is_console_user
from xiaoyou.organizations.selectors import administered_organizations

router = Router(tags=["alumni statistics"])


class StatsParams(Schema):
    chart: str = Field(
        "",
        max_length=60,
        description="graduation_year, enrollment_year, college, degree, gender, province, "
        "city (with province), country, industry, employer, membership, coverage, "
        "custom_<field key>; empty: every chart",
    )
    org: int | None = Field(None, description="An organization you administer: its records")
    graduation_year_min: int | None = Field(None, ge=1900, le=2100)
    graduation_year_max: int | None = Field(None, ge=1900, le=2100)
    province: str = Field("", max_length=60, description="For chart=city: the province")


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    labels: list[Any]
    values: list[int]
    headers: list[str]
    rows: list[list[Any]]
    province: str | None = None
    series: list[dict[str, Any]] | None = None
    today: dict[str, int] | None = None
    note: str | None = None
    as_of: str | None = Field(None, description="When the figures were computed (ISO time)")


class StatsOut(Schema):
    charts: list[ChartOut]


@router.get("/alumni/stats", response=StatsOut, summary="Alumni statistics (charts' figures)")
def alumni_stats(request: HttpRequest, params: Query[StatsParams]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not is_console_user(user):
        raise PermissionDenied("statistics are for administrators")
    org = None
    if params.org is not None:
        org = administered_organizations(user).filter(pk=params.org).first()
        if org is None:
            raise Http404("unknown organization")
    filters = StatsFilters(
        org=org,
        graduation_year_min=params.graduation_year_min,
        graduation_year_max=params.graduation_year_max,
    )
    if not params.chart:
        charts = [cached_chart(user, key, filters) for key in chart_keys()]
        return {"charts": [chart.as_dict() for chart in charts if chart is not None]}
    chart = cached_chart(user, params.chart, filters, province=params.province)
    if chart is None:
        raise Http404("unknown chart")
    return {"charts": [chart.as_dict()]}
