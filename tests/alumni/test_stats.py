"""校友统计: aggregations, region names, scope, Excel export, the snapshot job, page and API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.factories import (
    AlumniRecordFactory,
    CustomFieldFactory,
    DepartmentFactory,
    MembershipFactory,
)
from xiaoyou.alumni.models import AlumniRecord, CoverageSnapshot
from xiaoyou.alumni.models.departments import DepartmentKind
from xiaoyou.alumni.selectors_stats import StatsFilters, stats_chart
from xiaoyou.alumni.services.stats import coverage_snapshots_take
from xiaoyou.alumni.stats_regions import country_name, province_name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The statistics cache (locmem in tests) must not carry figures from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("广东省", "广东"),
        ("广东", "广东"),
        ("北京市", "北京"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("香港特别行政区", "香港"),
        ("Guangdong Province", "广东"),
        ("Shaanxi", "陕西"),
        ("shanxi", "山西"),
        ("Inner Mongolia", "内蒙古"),
        ("火星", ""),
        ("", ""),
    ],
)
def test_province_names_follow_the_china_map(value, expected):
    assert province_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("美国", "United States"), ("USA", "United States"), ("中国", "China"), ("日本", "Japan"),
     ("韩国", "Korea"), ("Germany", "Germany"), ("", "")],
)  # fmt: skip
def test_country_names_follow_the_world_map(value, expected):
    assert country_name(value) == expected


@pytest.fixture
def school(org_tree):
    """Computing (linked to the college association, with a department below it) and
    Economics; records kept by the main association, as imports make them."""
    cs = DepartmentFactory(name="计算机学院", kind=DepartmentKind.COLLEGE, org=org_tree.college)
    se = DepartmentFactory(name="软件工程系", kind=DepartmentKind.DEPARTMENT, parent=cs)
    econ = DepartmentFactory(
        name="经济学院", kind=DepartmentKind.COLLEGE, org=org_tree.other_college
    )
    root = org_tree.root

    def record(department, **fields):
        return AlumniRecordFactory(org=root, department=department, major=None, **fields)

    people = {
        "a": record(cs, graduation_year=2010, province="广东省", city="广州", country="中国",
                    gender="female", degree_level="master", industry="互联网", employer="腾讯",
                    phone="13800000001", verification="verified",
                    custom_data={"hobby": ["跑步", "围棋"], "size": "M"}),
        "b": record(se, graduation_year=2010, province="广东", city="深圳市", employer="腾讯",
                    industry="互联网", custom_data={"hobby": ["跑步"], "size": "L"}),
        "c": record(se, graduation_year=2012, province="北京市", city="北京",
                    employer="=HYPERLINK(\"http://x\")"),
        "d": record(econ, graduation_year=2014, country="美国", city="纽约", industry="金融",
                    email="d@example.com"),
        "e": record(econ, graduation_year=2014, province="广西壮族自治区", city="南宁"),
        "deleted": record(cs, graduation_year=2010, province="广东省"),
        "merged": record(cs, graduation_year=2010, province="广东省"),
    }  # fmt: skip
    AlumniRecord.objects.filter(pk=people["deleted"].pk).update(deleted_at=timezone.now())
    AlumniRecord.objects.filter(pk=people["merged"].pk).update(merged_into=people["a"])
    CustomFieldFactory(
        key="hobby", label="爱好", type="multiple_choice", choices=["跑步", "围棋", "游泳"]
    )
    CustomFieldFactory(key="size", label="尺码", type="choice", choices=["S", "M", "L"])
    return people


def _pairs(chart):
    return dict(zip(chart.labels, chart.values, strict=True))


def test_year_college_degree_gender_charts(school, platform_admin):
    chart = stats_chart(platform_admin, "graduation_year")
    assert (chart.labels, chart.values) == ([2010, 2012, 2014], [2, 1, 2])
    # The department's records count for its college; deleted and merged records nowhere.
    assert _pairs(stats_chart(platform_admin, "college")) == {"计算机学院": 3, "经济学院": 2}
    degree = _pairs(stats_chart(platform_admin, "degree"))
    assert degree == {gettext("Bachelor"): 4, gettext("Master"): 1}
    assert _pairs(stats_chart(platform_admin, "gender")) == {
        gettext("Male"): 4,
        gettext("Female"): 1,
    }


def test_region_charts_merge_spellings_and_drill_down(school, platform_admin):
    assert _pairs(stats_chart(platform_admin, "province")) == {"广东": 2, "北京": 1, "广西": 1}
    countries = _pairs(stats_chart(platform_admin, "country"))
    assert countries == {"China": 4, "United States": 1}
    cities = stats_chart(platform_admin, "city", province="广东省")
    assert _pairs(cities) == {"广州": 1, "深圳市": 1}
    assert cities.extra["province"] == "广东"


def test_work_membership_and_custom_field_charts(school, org_tree, platform_admin):
    assert _pairs(stats_chart(platform_admin, "industry")) == {"互联网": 2, "金融": 1}
    assert stats_chart(platform_admin, "employer").labels[0] == "腾讯"
    MembershipFactory(org=org_tree.college, alumni_record=school["a"])
    MembershipFactory(org=org_tree.college, alumni_record=school["b"])
    MembershipFactory(org=org_tree.regional, alumni_record=school["d"])
    MembershipFactory(org=org_tree.regional, alumni_record=school["deleted"])
    membership = _pairs(stats_chart(platform_admin, "membership"))
    assert membership == {org_tree.college.name: 2, org_tree.regional.name: 1}
    hobby = stats_chart(platform_admin, "custom_hobby")
    assert (hobby.labels, hobby.values) == (["跑步", "围棋", "游泳"], [2, 1, 0])
    size = stats_chart(platform_admin, "custom_size")
    assert (size.labels, size.values, size.kind) == (["S", "M", "L"], [0, 1, 1], "pie")
    assert stats_chart(platform_admin, "custom_nope") is None


def test_filters_narrow_to_years_and_an_organization(school, org_tree, platform_admin):
    years = StatsFilters(graduation_year_min=2011, graduation_year_max=2013)
    assert _pairs(stats_chart(platform_admin, "college", years)) == {"计算机学院": 1}
    econ = StatsFilters(org=org_tree.other_college)
    assert _pairs(stats_chart(platform_admin, "college", econ)) == {"经济学院": 2}


def test_college_admin_sees_only_their_college(school, college_admin):
    assert _pairs(stats_chart(college_admin, "college")) == {"计算机学院": 3}
    assert _pairs(stats_chart(college_admin, "province")) == {"广东": 2, "北京": 1}
    assert _pairs(stats_chart(college_admin, "country")) == {"China": 3}
    coverage = stats_chart(college_admin, "coverage")
    assert coverage.extra["today"]["total"] == 3


def test_regional_admin_sees_nothing_of_the_colleges(school, regional_admin):
    assert stats_chart(regional_admin, "college").values == []


def test_coverage_counts_and_history(school, platform_admin):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CoverageSnapshot.objects.create(
        org=None, day=yesterday, total=10, verified=1, with_contact=5, updated_this_year=2
    )
    chart = stats_chart(platform_admin, "coverage")
    assert chart.labels == [yesterday.isoformat(), timezone.localdate().isoformat()]
    today = chart.extra["today"]
    # a: verified with a phone, d: an email; all five were saved this year.
    assert today == {"total": 5, "verified": 1, "with_contact": 2, "updated_this_year": 5}
    verified = chart.extra["series"][0]["values"]
    assert verified == [10.0, 20.0]


def test_snapshot_job_is_idempotent_per_day(school, org_tree):
    first = coverage_snapshots_take()
    assert first == CoverageSnapshot.objects.count()
    whole = CoverageSnapshot.objects.get(org=None)
    assert (whole.total, whole.verified, whole.with_contact) == (5, 1, 2)
    college = CoverageSnapshot.objects.get(org=org_tree.college)
    assert college.total == 3
    assert CoverageSnapshot.objects.get(org=org_tree.root).total == 5
    assert not CoverageSnapshot.objects.filter(org=org_tree.regional).exists()

    AlumniRecord.objects.filter(pk=school["b"].pk).update(verification="verified")
    assert coverage_snapshots_take() == first
    assert CoverageSnapshot.objects.count() == first
    assert CoverageSnapshot.objects.get(org=None).verified == 2


def test_snapshot_is_scheduled():
    from xiaoyou.celery import app
    from xiaoyou.core import schedules

    entries = {entry.name: entry for entry in schedules.all_schedules()}
    assert entries["alumni.coverage-snapshot"].task in app.tasks


# --- Console ------------------------------------------------------------------------------


def _console(client, user):
    from tests.organizations.org_support import console_login

    console_login(client, user)


def test_page_renders_every_chart_with_exports(client, school, platform_admin):
    _console(client, platform_admin)
    response = client.get(reverse("console:alumni_stats"))
    assert response.status_code == 200
    body = response.content.decode()
    for key in ("graduation_year", "college", "province", "country", "coverage", "custom_hobby"):
        assert f'data-chart="{key}"' in body
    assert 'id="alumni-stats-data"' in body and "vendor/maps/china.json" in body
    assert reverse("console:alumni_stats_export", kwargs={"org": 0, "chart": "province"}) in body


def test_data_endpoint_drills_into_a_province(client, school, platform_admin):
    _console(client, platform_admin)
    url = reverse("console:alumni_stats_data")
    data = client.get(url, {"chart": "city", "province": "广东", "org": 0}).json()
    assert dict(zip(data["labels"], data["values"], strict=True)) == {"广州": 1, "深圳市": 1}
    assert client.get(url, {"chart": "nope"}).status_code == 404


def test_excel_export_reads_back_and_neutralizes_formulas(client, school, platform_admin):
    _console(client, platform_admin)
    url = reverse("console:alumni_stats_export", kwargs={"org": 0, "chart": "employer"})
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (gettext("Employer"), gettext("Alumni"))
    assert ("腾讯", 2) in rows
    assert ('\'=HYPERLINK("http://x")', 1) in rows


def test_export_of_another_organization_is_refused(client, school, org_tree, college_admin):
    _console(client, college_admin)
    other = reverse(
        "console:alumni_stats_export", kwargs={"org": org_tree.other_college.pk, "chart": "gender"}
    )
    assert client.get(other).status_code == 404
    mine = reverse(
        "console:alumni_stats_export", kwargs={"org": org_tree.college.pk, "chart": "college"}
    )
    rows = list(load_workbook(io.BytesIO(client.get(mine).content)).active.values)
    assert rows[1:] == [("计算机学院", 3)]


# --- API ------------------------------------------------------------------------------------


def test_api_returns_scoped_charts(client, school, college_admin, outsider):
    client.force_login(college_admin)
    response = client.get("/api/v1/alumni/stats", {"chart": "province"})
    assert response.status_code == 200, response.content
    chart = response.json()["charts"][0]
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {"广东": 2, "北京": 1}
    assert chart["as_of"]  # the figures' time: they may come from the statistics cache
    everything = client.get("/api/v1/alumni/stats").json()["charts"]
    assert {"coverage", "custom_hobby", "membership"} <= {item["key"] for item in everything}
    assert client.get("/api/v1/alumni/stats", {"chart": "nope"}).status_code == 404

    client.force_login(outsider)
    assert client.get("/api/v1/alumni/stats").status_code == 403


def test_college_admin_page_defaults_to_their_organization(client, school, org_tree, college_admin):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CoverageSnapshot.objects.create(org=org_tree.college, day=yesterday, total=2, verified=1)
    _console(client, college_admin)
    response = client.get(reverse("console:alumni_stats"))
    assert response.status_code == 200
    assert 'value="0"' not in response.content.decode()  # no "whole archive" choice
    assert 'data-chart="college"' in response.content.decode()
    data = reverse("console:alumni_stats_data")
    coverage = client.get(data, {"chart": "coverage"}).json()
    assert coverage["labels"][0] == yesterday.isoformat()
    assert coverage["today"]["total"] == 3
    college = client.get(data, {"chart": "college"}).json()
    assert dict(zip(college["labels"], college["values"], strict=True)) == {"计算机学院": 3}
    assert (
        client.get(reverse("console:alumni_stats"), {"org": org_tree.regional.pk}).status_code
        == 404
    )


# --- Speed: scope without joins, the cache, refresh, municipalities ---------------------------


def test_stats_scope_equals_the_search_scope(school, org_tree, platform_admin, college_admin):
    from xiaoyou.alumni.selectors_search import alumni_scope
    from xiaoyou.alumni.selectors_stats import stats_records

    for user in (platform_admin, college_admin):
        assert set(stats_records(user).values_list("pk", flat=True)) == set(
            alumni_scope(user).values_list("pk", flat=True)
        )
    # The whole archive needs no join: the scope is the live-record condition only.
    sql = str(stats_records(platform_admin).values("gender").query).upper()
    assert "JOIN" not in sql
    sql = str(stats_records(college_admin, StatsFilters(org=org_tree.college)).query).upper()
    assert "JOIN" not in sql


def test_cache_hit_returns_the_same_figures_without_a_query(
    school, platform_admin, college_admin, django_assert_num_queries
):
    from xiaoyou.alumni.selectors_stats_cache import cached_chart

    for user in (platform_admin, college_admin):
        first = cached_chart(user, "college")
        assert first.extra["cached"] is False and first.extra["as_of"]
        with django_assert_num_queries(0):
            again = cached_chart(user, "college")
        assert (again.labels, again.values, again.rows) == (first.labels, first.values, first.rows)
        assert again.extra["cached"] is True
        assert again.extra["as_of"] == first.extra["as_of"]


def test_refresh_recomputes_the_cached_figures(school, org_tree, platform_admin):
    from xiaoyou.alumni.selectors_stats_cache import cached_chart

    before = cached_chart(platform_admin, "graduation_year")
    AlumniRecordFactory(org=org_tree.root, graduation_year=2030)
    assert cached_chart(platform_admin, "graduation_year").labels == before.labels
    fresh = cached_chart(platform_admin, "graduation_year", refresh=True)
    assert fresh.labels == [2010, 2012, 2014, 2030]
    assert fresh.extra["cached"] is False and fresh.extra["as_of"] >= before.extra["as_of"]
    assert cached_chart(platform_admin, "graduation_year").labels == fresh.labels


def test_cache_key_separates_scopes_filters_and_charts(
    school, org_tree, platform_admin, college_admin
):
    from xiaoyou.alumni.selectors_stats_cache import cache_key, cached_chart

    whole = cached_chart(platform_admin, "college")
    assert _pairs(whole) == {"计算机学院": 3, "经济学院": 2}
    # Cached for the platform first, the college admin still gets only their college.
    assert _pairs(cached_chart(college_admin, "college")) == {"计算机学院": 3}
    keys = {
        cache_key(platform_admin, "college"),
        cache_key(college_admin, "college"),
        cache_key(platform_admin, "college", StatsFilters(org=org_tree.college)),
        cache_key(platform_admin, "college", StatsFilters(graduation_year_min=2011)),
        cache_key(platform_admin, "gender"),
        cache_key(platform_admin, "city", province="广东"),
        cache_key(platform_admin, "city", province="北京"),
    }
    assert len(keys) == 7
    econ = cached_chart(platform_admin, "college", StatsFilters(org=org_tree.other_college))
    assert _pairs(econ) == {"经济学院": 2}


def test_data_endpoint_serves_as_of_and_rate_limits_refresh(
    client, school, org_tree, platform_admin
):
    _console(client, platform_admin)
    url = reverse("console:alumni_stats_data")
    first = client.get(url, {"chart": "gender", "org": 0}).json()
    assert first["cached"] is False and first["as_of"]
    assert client.get(url, {"chart": "gender", "org": 0}).json()["cached"] is True
    AlumniRecordFactory(org=org_tree.root, gender="female")
    refreshed = [
        client.get(url, {"chart": "gender", "org": 0, "refresh": "1"}).json() for _ in range(4)
    ]
    assert [item["cached"] for item in refreshed] == [False, False, False, True]
    assert refreshed[-1]["throttled"] is True
    assert _pairs_of(refreshed[0])[gettext("Female")] == 2
    assert _pairs_of(refreshed[-1]) == _pairs_of(refreshed[0])


def _pairs_of(data):
    return dict(zip(data["labels"], data["values"], strict=True))


def test_page_shell_reads_no_record(client, school, platform_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _console(client, platform_admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("console:alumni_stats"))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "alumni_alumnirecord" in q["sql"]]
    body = response.content.decode()
    assert "data-stats-refresh" in body and "data-as-of" in body


def test_municipality_drill_down_keeps_records_naming_only_the_city(
    school, org_tree, platform_admin
):
    root = org_tree.root
    AlumniRecordFactory(org=root, province="北京市", city="海淀区")
    AlumniRecordFactory(org=root, province="北京", city="北京市")
    AlumniRecordFactory(org=root, province="北京", city="")
    cities = stats_chart(platform_admin, "city", province="北京")
    # school["c"] (city 北京) and the two above without a district: one row named 北京.
    assert _pairs(cities) == {"北京": 3, "海淀区": 1}
    assert cities.extra["municipality"] is True
    assert (cities.extra["total"], cities.extra["unplaced"]) == (4, 3)
    assert "4" in cities.extra["note"]
    assert _pairs(stats_chart(platform_admin, "province"))["北京"] == 4
    assert "municipality" not in stats_chart(platform_admin, "city", province="广东").extra


def test_charts_of_one_pass_share_one_scan(school, platform_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoyou.alumni.selectors_stats_cache import cached_chart

    def record_scans(call):
        with CaptureQueriesContext(connection) as captured:
            call()
        return [q for q in captured.captured_queries if "alumni_alumnirecord" in q["sql"]]

    assert len(record_scans(lambda: cached_chart(platform_admin, "degree"))) == 1
    for key in ("gender", "college", "graduation_year", "enrollment_year"):
        assert record_scans(lambda key=key: cached_chart(platform_admin, key)) == []
    assert len(record_scans(lambda: cached_chart(platform_admin, "province"))) == 1
    assert record_scans(lambda: cached_chart(platform_admin, "city", province="广东")) == []
    # One refresh of the page (one token): the pass is recomputed once for its charts.
    assert len(record_scans(lambda: cached_chart(platform_admin, "gender", refresh="t1"))) == 1
    assert record_scans(lambda: cached_chart(platform_admin, "degree", refresh="t1")) == []
    assert len(record_scans(lambda: cached_chart(platform_admin, "degree", refresh="t2"))) == 1
