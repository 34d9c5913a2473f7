"""校友统计: the figures of the archive statistics, one GROUP BY scan per chart or per pass.

Every chart reads `stats_records(user, filters)`: the live records (not deleted, not merged
away) in the user's scope (the same reach as the search, selectors_search.alumni_scope),
optionally narrowed to one organization's records and a graduation-year range. A chart is a
`Chart`: labels and values for ECharts, headers and rows for its Excel sheet. Python only
folds the groups (departments into colleges, "广东省" and "广东" into one province), never the
records themselves. Year, college, degree and gender charts share one scan (the "core" pass),
the maps and their drill-downs another ("place"): selectors_stats_passes. The scope is resolved
to organization and department ids first, so no chart query joins another table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from xiaoyou.alumni.models import (
    AlumniRecord,
    Department,
)
from xiaoyou.alumni.selectors_search import alumni_scope

TOP = 50  # ranked charts (industry, employer, organizations) keep their first TOP groups
CHARTS = (
    "graduation_year",
    "enrollment_year",
    "college",
    "degree",
    "gender",
    "province",
    "country",
    "industry",
    "employer",
    "membership",
    "coverage",
)
CUSTOM_PREFIX = "custom_"


@dataclass
class StatsFilters:
    org: Any = None  # an Organization: its records (kept by it or filed under its departments)
    graduation_year_min: int | None = None
    graduation_year_max: int | None = None


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar (years), hbar (ranked), pie, china, world, coverage
    labels: list[Any] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "values": self.values,
            "headers": self.headers,
            "rows": self.rows,
            **self.extra,
        }


def _subtree_ids(paths: list[str]) -> tuple[list[int], list[int]]:
    """Organizations under `paths` and the units (departments) that count for them: linked to
    one of them, two levels of units below those, and units merged into those. Both tables are
    small, so the ids are read first and the record queries need no join (as alumni_scope)."""
    from xiaoyou.organizations.models import Organization

    if not paths:
        return [], []
    by_path = Q()
    for path in paths:
        by_path |= Q(path__startswith=path)
    org_ids = list(Organization.objects.filter(by_path).values_list("pk", flat=True))
    linked = set(Department.objects.filter(org_id__in=org_ids).values_list("pk", flat=True))
    units = {
        row["pk"]
        for row in Department.objects.values(
            "pk", "parent_id", "parent__parent_id", "merged_into_id"
        )
        if row["pk"] in linked
        or row["parent_id"] in linked
        or row["parent__parent_id"] in linked
        or row["merged_into_id"] in linked
    }
    return sorted(org_ids), sorted(units)


def _ids_q(ids: tuple[list[int], list[int]]) -> Q:
    org_ids, unit_ids = ids
    if not org_ids and not unit_ids:
        return Q(pk__in=[])
    if not unit_ids:
        return Q(org_id__in=org_ids)
    if not org_ids:
        return Q(department_id__in=unit_ids)
    return Q(org_id__in=org_ids) | Q(department_id__in=unit_ids)


def org_records_q(org: Any) -> Q:
    """Records of an organization's subtree: kept by it, or filed under a department linked to
    it (two levels of units below, and units merged into those), as in alumni_scope."""
    return _ids_q(_subtree_ids([org.path]))


def scope_paths(user: Any) -> list[str] | None:
    """The organization paths that make `user`'s statistics scope; None for every record
    (platform admins). Two users with the same paths see the same records (the cache key)."""
    from xiaoyou.core import policy
    from xiaoyou.organizations.selectors import _minimal_paths, role_paths

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    rule = policy.rule_for(AlumniRecord, "view")
    if not getattr(user, "is_authenticated", False):
        return []
    if not rule.min_role:
        return None
    return _minimal_paths(role_paths(user, rule.min_role))


def _live() -> QuerySet[AlumniRecord]:
    return AlumniRecord.objects.filter(deleted_at__isnull=True, merged_into__isnull=True)


def stats_records(user: Any, filters: StatsFilters | None = None) -> QuerySet[AlumniRecord]:
    """The live records of `user`'s scope (alumni_scope's reach), narrowed by the filters.

    The scope and the organization filter are resolved to organization and department ids
    first (small tables), so every chart is one scan of the records with no join; the whole
    archive (platform admins, no organization) has no scope condition at all."""
    from xiaoyou.core import policy

    f = filters or StatsFilters()
    paths = scope_paths(user)
    rule = policy.rule_for(AlumniRecord, "view")
    if not getattr(user, "is_authenticated", False):
        queryset = alumni_scope(user)
    elif paths is None:
        queryset = _live()
    elif rule.org_field == "org":
        queryset = _live().filter(_ids_q(_subtree_ids(paths)))
    else:  # a rule this module does not know how to resolve: the search's own scope
        queryset = alumni_scope(user)
    if f.org is not None:
        queryset = queryset.filter(org_records_q(f.org))
    if f.graduation_year_min:
        queryset = queryset.filter(graduation_year__gte=f.graduation_year_min)
    if f.graduation_year_max:
        queryset = queryset.filter(graduation_year__lte=f.graduation_year_max)
    return queryset.order_by()


def _ranked(
    pairs: Counter[Any] | dict[Any, int], limit: int | None = None
) -> list[tuple[Any, int]]:
    items = sorted(pairs.items(), key=lambda item: (-item[1], str(item[0])))
    return items[:limit] if limit else items


def _chart(key: str, title: str, kind: str, header: str, pairs: list[tuple[Any, int]]) -> Chart:
    labels = [label for label, _n in pairs]
    values = [n for _label, n in pairs]
    return Chart(
        key=key,
        title=title,
        kind=kind,
        labels=labels,
        values=values,
        headers=[header, _("Alumni")],
        rows=[[label, n] for label, n in pairs],
    )


def _unknown() -> str:
    return _("Unknown")


def _text_chart(
    records: QuerySet[AlumniRecord], column: str, key: str, title: str, header: str
) -> Chart:
    rows = (
        records.exclude(**{column: ""})
        .values(column)
        .annotate(n=Count("pk"))
        .order_by("-n", column)[:TOP]
    )
    return _chart(key, title, "hbar", header, [(row[column], row["n"]) for row in rows])


def industry_chart(records: QuerySet[AlumniRecord]) -> Chart:
    return _text_chart(records, "industry", "industry", _("By industry"), _("Industry"))


def employer_chart(records: QuerySet[AlumniRecord]) -> Chart:
    return _text_chart(records, "employer", "employer", _("By employer"), _("Employer"))


def membership_chart(records: QuerySet[AlumniRecord]) -> Chart:
    """Active memberships of the records, by organization."""
    from xiaoyou.organizations.models import Membership, MembershipStatus

    rows = (
        Membership.objects.filter(
            status=MembershipStatus.ACTIVE, alumni_record__in=records.values("pk")
        )
        .values("org__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "org__name")[:TOP]
    )
    return _chart(
        "membership",
        _("By organization membership"),
        "hbar",
        _("Organization"),
        [(row["org__name"], row["n"]) for row in rows],
    )


# --- Dispatch -------------------------------------------------------------------------------


def chart_keys() -> list[str]:
    from xiaoyou.alumni.selectors_stats_custom import choice_fields

    return [*CHARTS, *(CUSTOM_PREFIX + item.key for item in choice_fields())]


def chart_specs() -> list[dict[str, str]]:
    """Key, title and kind of every chart, without reading a record: the page's shell."""
    from xiaoyou.alumni.models.custom_fields import CustomFieldType
    from xiaoyou.alumni.selectors_stats_custom import choice_fields

    specs = [
        ("graduation_year", _("By year of graduation"), "bar"),
        ("enrollment_year", _("By year of enrollment"), "bar"),
        ("college", _("By college"), "hbar"),
        ("degree", _("By degree"), "pie"),
        ("gender", _("By gender"), "pie"),
        ("province", _("By province (China)"), "china"),
        ("country", _("By country or region"), "world"),
        ("industry", _("By industry"), "hbar"),
        ("employer", _("By employer"), "hbar"),
        ("membership", _("By organization membership"), "hbar"),
        ("coverage", _("Coverage over time"), "coverage"),
    ]
    specs += [
        (
            CUSTOM_PREFIX + item.key,
            item.label,
            "pie" if item.type == CustomFieldType.CHOICE else "hbar",
        )
        for item in choice_fields()
    ]
    return [{"key": key, "title": str(title), "kind": kind} for key, title, kind in specs]


def stats_chart(
    user: Any,
    key: str,
    filters: StatsFilters | None = None,
    *,
    rows_of: Callable[[str, QuerySet[AlumniRecord]], list[tuple[Any, ...]]] | None = None,
    **options: Any,
) -> Chart | None:
    """One chart by key (None for an unknown key); `province` for the city drill-down.
    Charts of a pass (selectors_stats_passes) are folded from the pass's grouped rows, which
    `rows_of(pass, records)` provides (the cache shares them); by default they are queried."""
    from xiaoyou.alumni.selectors_stats_coverage import coverage_chart
    from xiaoyou.alumni.selectors_stats_passes import PASS_OF, pass_chart, pass_rows

    records = stats_records(user, filters)
    if key in PASS_OF:
        name = PASS_OF[key]
        rows = rows_of(name, records) if rows_of else pass_rows(records, name)
        return pass_chart(key, rows, **options)
    simple = {
        "industry": lambda: industry_chart(records),
        "employer": lambda: employer_chart(records),
        "membership": lambda: membership_chart(records),
        "coverage": lambda: coverage_chart(user, filters),
    }
    if key in simple:
        return simple[key]()
    if key.startswith(CUSTOM_PREFIX):
        from xiaoyou.alumni.selectors_stats_custom import choice_fields, custom_chart

        wanted = key.removeprefix(CUSTOM_PREFIX)
        for custom_field in choice_fields():
            if custom_field.key == wanted:
                return custom_chart(records, custom_field)
    return None


def all_charts(user: Any, filters: StatsFilters | None = None) -> list[Chart]:
    charts = [stats_chart(user, key, filters) for key in chart_keys()]
    return [chart for chart in charts if chart is not None]
