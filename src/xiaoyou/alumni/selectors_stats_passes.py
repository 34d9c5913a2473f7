"""校友统计 passes: several charts from one scan of the records.

A pass is one GROUP BY over a few small columns; its grouped rows (tens of thousands at most,
whatever the number of records) are folded in Python into each of its charts:

- "core": (gender, degree_level, department_id, enrollment_year, graduation_year) -> the two
  year charts, college, degree and gender;
- "place": (country, province, city) -> the province map, the world map and every
  province's cities (the map's drill-down).

So a cold page scans the records once per pass instead of once per chart; the statistics cache
(selectors_stats_cache) keeps a pass's rows so the charts of a pass share one computation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from xiaoyou.alumni.models import AlumniRecord, DegreeLevel, Department, Gender
from xiaoyou.alumni.models.departments import DepartmentKind
from xiaoyou.alumni.selectors_stats import Chart, _chart, _ranked, _unknown
from xiaoyou.alumni.stats_regions import CHINA_VALUES, MUNICIPALITIES, country_name, province_name

PASSES: dict[str, tuple[str, ...]] = {
    # Unindexed columns first: with graduation_year first SQLite walks its index to group and
    # reads the table in index order (twice as slow at 1M records as a plain scan + sort).
    "core": ("gender", "degree_level", "department_id", "enrollment_year", "graduation_year"),
    "place": ("country", "province", "city"),
}
PASS_OF = {
    "graduation_year": "core",
    "enrollment_year": "core",
    "college": "core",
    "degree": "core",
    "gender": "core",
    "province": "place",
    "country": "place",
    "city": "place",
}

Rows = list[tuple[Any, ...]]  # the pass's columns, then the count


def pass_rows(records: QuerySet[AlumniRecord], name: str) -> Rows:
    """The grouped rows of pass `name` over `records`: one query."""
    columns = PASSES[name]
    grouped = records.values(*columns).annotate(n=Count("pk")).order_by()
    return [(*(row[column] for column in columns), row["n"]) for row in grouped]


def _fold(rows: Iterable[tuple[Any, ...]], index: int) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for row in rows:
        counts[row[index]] += row[-1]
    return counts


def year_chart(rows: Rows, column: str) -> Chart:
    counts = _fold(rows, PASSES["core"].index(column))
    pairs = sorted((year, n) for year, n in counts.items() if year)
    if column == "graduation_year":
        return _chart(column, _("By year of graduation"), "bar", _("Year of graduation"), pairs)
    return _chart(column, _("By year of enrollment"), "bar", _("Year of enrollment"), pairs)


def _college_of() -> dict[int, tuple[int, str]]:
    """Each unit -> its college (the unit itself, or the nearest college-or-higher ancestor),
    following merges to the successor. The department table is small: one query."""
    units = {
        row["pk"]: row
        for row in Department.objects.values("pk", "name", "kind", "parent_id", "merged_into_id")
    }

    def college(pk: int, depth: int = 0) -> tuple[int, str]:
        unit = units[pk]
        if unit["merged_into_id"] in units and depth < 10:
            return college(unit["merged_into_id"], depth + 1)
        if unit["kind"] != DepartmentKind.DEPARTMENT or unit["parent_id"] not in units:
            return pk, unit["name"]
        return college(unit["parent_id"], depth + 1)

    return {pk: college(pk) for pk in units}


def college_chart(rows: Rows) -> Chart:
    colleges = _college_of()
    counts: Counter[str] = Counter()
    for department_id, n in _fold(rows, PASSES["core"].index("department_id")).items():
        name = colleges[department_id][1] if department_id in colleges else _unknown()
        counts[name] += n
    return _chart("college", _("By college"), "hbar", _("College"), _ranked(counts))


def _choice_chart(
    rows: Rows, column: str, choices: Any, key: str, title: str, header: str
) -> Chart:
    labels = dict(choices)
    counts: Counter[str] = Counter()
    for value, n in _fold(rows, PASSES["core"].index(column)).items():
        counts[str(labels.get(value, value)) if value else _unknown()] += n
    return _chart(key, title, "pie", header, _ranked(counts))


def degree_chart(rows: Rows) -> Chart:
    return _choice_chart(
        rows, "degree_level", DegreeLevel.choices, "degree", _("By degree"), _("Degree level")
    )


def gender_chart(rows: Rows) -> Chart:
    return _choice_chart(rows, "gender", Gender.choices, "gender", _("By gender"), _("Gender"))


def _in_china(rows: Rows) -> Rows:
    """Place rows in China: a Chinese (or no) country and a province."""
    return [row for row in rows if row[0] in CHINA_VALUES and row[1]]


def province_chart(rows: Rows) -> Chart:
    """Records in China by province, named as china.json names them; unrecognized values are
    listed in the table only."""
    counts: Counter[str] = Counter()
    for value, n in _fold(_in_china(rows), 1).items():
        counts[province_name(value) or value] += n
    return _chart("province", _("By province (China)"), "china", _("Province"), _ranked(counts))


def city_chart(rows: Rows, province: str) -> Chart:
    """One province's records by city (the drill-down of the China map).

    Municipalities and SARs (北京, 上海, 天津, 重庆, 香港, 澳门) are drawn by district: records
    whose city is the municipality itself (or empty) match no district, so they are one row
    named after the municipality and the chart carries the municipality's total and a note."""
    name = province_name(province)
    counts: Counter[str] = Counter()
    if name:
        for _country, value, city, n in _in_china(rows):
            if province_name(value) == name:
                counts[city or _unknown()] += n
    extra: dict[str, Any] = {"province": name}
    if name in MUNICIPALITIES:
        whole: Counter[str] = Counter()
        for city, n in counts.items():
            is_whole = city == _unknown() or province_name(city) == name
            whole[name if is_whole else city] += n
        counts = whole
        total = sum(counts.values())
        unplaced = counts.get(name, 0)
        extra.update(
            municipality=True,
            total=total,
            unplaced=unplaced,
            note=_(
                "%(name)s: %(total)s alumni in all; %(unplaced)s give only the city, "
                "not the district, and are listed in the table."
            )
            % {"name": name, "total": total, "unplaced": unplaced},
        )
    chart = _chart("city", _("By city"), "hbar", _("City"), _ranked(counts))
    chart.extra = extra
    return chart


def country_chart(rows: Rows) -> Chart:
    """Records by country as world.json names them; a province without a country is China."""
    counts: Counter[str] = Counter()
    for country, province, _city, n in rows:
        value = "中国" if not country and province else country
        counts[country_name(value) or _unknown()] += n
    return _chart(
        "country", _("By country or region"), "world", _("Country or region"), _ranked(counts)
    )


def pass_chart(key: str, rows: Rows, **options: Any) -> Chart:
    """Chart `key` (one of PASS_OF) from its pass's rows."""
    builders = {
        "graduation_year": lambda: year_chart(rows, "graduation_year"),
        "enrollment_year": lambda: year_chart(rows, "enrollment_year"),
        "college": lambda: college_chart(rows),
        "degree": lambda: degree_chart(rows),
        "gender": lambda: gender_chart(rows),
        "province": lambda: province_chart(rows),
        "country": lambda: country_chart(rows),
        "city": lambda: city_chart(rows, options.get("province") or ""),
    }
    return builders[key]()
