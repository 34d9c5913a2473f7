"""Search filters on custom fields, every type, on the current database (SQLite or PostgreSQL):
text/URL contains, number/date ranges, single choice any of, multiple choice any/all; the console
form's widgets, saved searches, the API and the Excel export."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import AlumniRecordFactory, CustomFieldFactory
from tests.organizations.org_support import console_login
from xiaoyou.alumni.forms_search import SearchForm
from xiaoyou.alumni.selectors_search import SearchFilters, search_queryset, search_records
from xiaoyou.alumni.selectors_search_custom import CustomFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(org_tree):
    CustomFieldFactory(key="motto", label="座右铭", type="text")
    CustomFieldFactory(key="homepage", label="主页", type="url")
    CustomFieldFactory(key="donation", label="捐赠", type="number")
    CustomFieldFactory(key="joined", label="入会日期", type="date")
    CustomFieldFactory(key="hobby", label="爱好", type="choice", choices=["围棋", "篮球", "书法"])
    CustomFieldFactory(
        key="langs", label="语言", type="multiple_choice", choices=["英语", "日语", "德语"]
    )
    data = {
        "甲": {
            "motto": "Stay Hungry 求知",
            "homepage": "https://jia.example.cn/blog",
            "donation": 500,
            "joined": "2019-03-01",
            "hobby": "围棋",
            "langs": ["英语", "日语"],
        },
        "乙": {
            "motto": "厚德载物",
            "homepage": "https://yi.example.com",
            "donation": 12.5,
            "joined": "2021-12-31",
            "hobby": "篮球",
            "langs": ["日语"],
        },
        "丙": {
            "donation": "800",  # a string is not a number: never in a range
            "joined": "not a date",
            "hobby": "书法",
            "langs": ["英语", "日语", "德语"],
        },
        "丁": {},
    }
    return {
        name: AlumniRecordFactory(org=org_tree.root, name=name, custom_data=values)
        for name, values in data.items()
    }


def _names(queryset_or_result):
    records = getattr(queryset_or_result, "records", queryset_or_result)
    return sorted(record.name for record in records)


def _search(user, *filters):
    return _names(search_queryset(user=user, filters=SearchFilters(custom_filters=list(filters))))


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # text: a case-insensitive fragment
        (CustomFilter(key="motto", contains="hungry"), ["甲"]),
        (CustomFilter(key="motto", contains="载物"), ["乙"]),
        (CustomFilter(key="motto", contains="%"), []),
        # URL: contains
        (CustomFilter(key="homepage", contains="example.c"), ["乙", "甲"]),
        (CustomFilter(key="homepage", contains="/blog"), ["甲"]),
        # number: inclusive range, either side open; the string "800" never matches
        (CustomFilter(key="donation", min=12.5), ["乙", "甲"]),
        (CustomFilter(key="donation", min=13), ["甲"]),
        (CustomFilter(key="donation", max=500), ["乙", "甲"]),
        (CustomFilter(key="donation", min=100, max=499), []),
        (CustomFilter(key="donation", min=0, max=10_000), ["乙", "甲"]),
        # date: inclusive range on ISO dates
        (CustomFilter(key="joined", min="2019-03-01"), ["乙", "甲"]),
        (CustomFilter(key="joined", min="2019-03-02", max="2021-12-31"), ["乙"]),
        (CustomFilter(key="joined", max="2020-01-01"), ["甲"]),
        # single choice: any of the chosen values
        (CustomFilter(key="hobby", any_of=["围棋"]), ["甲"]),
        (CustomFilter(key="hobby", any_of=["围棋", "书法"]), ["丙", "甲"]),
        # multiple choice: has any / has all
        (CustomFilter(key="langs", any_of=["德语"]), ["丙"]),
        (CustomFilter(key="langs", any_of=["英语", "德语"]), ["丙", "甲"]),
        (CustomFilter(key="langs", all_of=["英语", "日语"]), ["丙", "甲"]),
        (CustomFilter(key="langs", all_of=["英语", "日语", "德语"]), ["丙"]),
        (CustomFilter(key="langs", all_of=["日语"]), ["丙", "乙", "甲"]),
        (CustomFilter(key="langs", any_of=["德语"], all_of=["日语"]), ["丙"]),
        # unknown fields and empty filters change nothing
        (CustomFilter(key="nosuch", contains="x"), ["丁", "丙", "乙", "甲"]),
        (CustomFilter(key="motto"), ["丁", "丙", "乙", "甲"]),
    ],
)
def test_each_type_filters_on_this_database(archive, platform_admin, item, expected):
    assert _search(platform_admin, item) == expected


def test_filters_of_several_fields_and_other_filters_are_anded(archive, platform_admin):
    assert _search(
        platform_admin,
        CustomFilter(key="langs", any_of=["日语"]),
        CustomFilter(key="donation", min=100),
    ) == ["甲"]
    result = search_records(
        user=platform_admin,
        text="乙",
        filters=SearchFilters(custom_filters=[CustomFilter(key="hobby", any_of=["篮球"])]),
    )
    assert _names(result) == ["乙"]


def test_custom_filters_keep_the_admins_scope(archive, college_admin):
    # The records are kept by the main association, outside the college's departments.
    assert _search(college_admin, CustomFilter(key="hobby", any_of=["围棋"])) == []


def test_custom_filters_work_inside_a_subquery(archive, platform_admin):
    """Audiences use a search as a subquery: the JSON expressions follow the table alias."""
    from xiaoyou.alumni.models import AlumniRecord

    inner = search_queryset(
        user=platform_admin,
        filters=SearchFilters(
            custom_filters=[
                CustomFilter(key="langs", all_of=["英语"]),
                CustomFilter(key="donation", min=1),
                CustomFilter(key="motto", contains="hungry"),
            ]
        ),
    ).values("pk")
    assert [r.name for r in AlumniRecord.objects.filter(pk__in=inner)] == ["甲"]


# --- The console form ---------------------------------------------------------------------------


QUERY = {
    "cf_motto": "HUNGRY",
    "cf_homepage": "jia.example",
    "cf_donation__min": "100",
    "cf_donation__max": "1000",
    "cf_joined__min": "2019-01-01",
    "cf_joined__max": "2019-12-31",
    "cf_hobby": ["围棋", "书法"],
    "cf_langs": ["英语", "日语"],
    "cf_langs__match": "all",
}


def _form(query):
    from django.http import QueryDict

    return SearchForm(QueryDict(urlencode(query, doseq=True)))


def test_the_form_turns_parameters_into_typed_filters(archive, platform_admin):
    filters = _form(QUERY).filters.custom_filters
    by_key = {item.key: item for item in filters}
    assert by_key["motto"].contains == "HUNGRY"
    assert by_key["homepage"].contains == "jia.example"
    assert (by_key["donation"].min, by_key["donation"].max) == (100.0, 1000.0)
    assert (by_key["joined"].min, by_key["joined"].max) == ("2019-01-01", "2019-12-31")
    assert by_key["hobby"].any_of == ["围棋", "书法"]
    assert (by_key["langs"].all_of, by_key["langs"].any_of) == (["英语", "日语"], [])
    assert _names(search_queryset(user=platform_admin, filters=_form(QUERY).filters)) == ["甲"]
    # "any" is the default of multiple choice; an unknown choice is refused, not searched.
    anyform = _form({"cf_langs": ["德语"]})
    assert anyform.filters.custom_filters[0].any_of == ["德语"]
    assert _form({"cf_hobby": ["足球"]}).filters.custom_filters == []


def test_the_search_page_shows_one_widget_per_type(client, archive, platform_admin):
    console_login(client, platform_admin)
    with translation.override("en"):
        page = client.get(reverse("console:alumni_search"), QUERY).content.decode()
    assert 'name="cf_motto"' in page and 'value="HUNGRY"' in page
    assert 'name="cf_homepage"' in page
    assert 'type="number" name="cf_donation__min"' in page
    assert 'name="cf_donation__max"' in page
    assert 'type="date" name="cf_joined__min"' in page and 'value="2019-01-01"' in page
    assert '<select name="cf_hobby"' in page and "multiple" in page
    assert '<option value="围棋" selected>' in page
    assert 'name="cf_langs__match"' in page and '<option value="all" selected>' in page
    for key in ("motto", "homepage", "donation", "joined", "hobby", "langs"):
        assert f'data-testid="custom-filter-{key}"' in page
    # The filtered result: only 甲 among the four.
    assert "甲" in page and "丙</a>" not in page


def test_inactive_fields_have_no_filter(client, archive, platform_admin):
    from xiaoyou.alumni.models import CustomField

    CustomField.objects.filter(key="motto").update(is_active=False)
    console_login(client, platform_admin)
    page = client.get(reverse("console:alumni_search")).content.decode()
    assert 'name="cf_motto"' not in page and 'name="cf_hobby"' in page


def test_saved_searches_keep_the_custom_filters(client, archive, platform_admin):
    from xiaoyou.alumni.models import SavedSearch
    from xiaoyou.alumni.selectors_search import saved_search_queryset

    console_login(client, platform_admin)
    response = client.post(
        reverse("console:alumni_saved_search_create"),
        {"name": "围棋或书法", "query": urlencode(QUERY, doseq=True) + "&page=2"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(name="围棋或书法")
    assert saved.query["cf_hobby"] == ["围棋", "书法"]
    assert saved.query["cf_donation__min"] == "100"
    assert saved.query["cf_langs__match"] == "all"
    assert "page" not in saved.query
    assert [record.name for record in saved_search_queryset(saved, platform_admin)] == ["甲"]
    # One chosen value is kept as a plain string and still read back as a choice.
    single = SavedSearch.objects.create(
        name="德语", owner=platform_admin, org=saved.org, query={"cf_langs": "德语"}
    )
    assert [record.name for record in saved_search_queryset(single, platform_admin)] == ["丙"]


def test_the_export_honours_the_custom_filters(client, archive, platform_admin):
    from openpyxl import load_workbook

    console_login(client, platform_admin)
    query = {"cf_hobby": ["围棋", "篮球"], "cf_donation__min": "100", "export": "xlsx"}
    response = client.get(reverse("console:alumni_search"), query)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["甲"]


def test_the_filters_add_no_query_per_record(client, archive, platform_admin):
    from django.db import connection

    console_login(client, platform_admin)
    url = reverse("console:alumni_search")
    client.get(url, QUERY)
    with CaptureQueriesContext(connection) as few:
        client.get(url, QUERY)
    for index in range(5):
        AlumniRecordFactory(
            org=archive["甲"].org, name=f"戊{index}", custom_data=archive["甲"].custom_data
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, QUERY)
    assert "戊4" in response.content.decode()
    assert len(more) == len(few)


# --- The API ------------------------------------------------------------------------------------


def _api(client, params):
    response = client.get("/api/v1/alumni/records", params)
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


def test_the_api_accepts_every_type(client, archive, platform_admin):
    client.force_login(platform_admin)
    assert _api(client, {"custom": "motto:hungry"}) == ["甲"]
    assert _api(client, {"custom": "homepage:example.c"}) == ["乙", "甲"]
    assert _api(client, {"custom_min": "donation:12.5", "custom_max": "donation:100"}) == ["乙"]
    assert _api(client, {"custom": "donation:500"}) == ["甲"]
    assert _api(client, {"custom_min": "joined:2020-01-01"}) == ["乙"]
    assert _api(client, {"custom": ["hobby:围棋", "hobby:篮球"]}) == ["乙", "甲"]
    assert _api(client, {"custom": ["langs:德语", "langs:英语"]}) == ["丙", "甲"]
    assert _api(client, {"custom_all": ["langs:德语", "langs:英语"]}) == ["丙"]
    assert _api(client, {"custom": ["langs:日语", "hobby:篮球"]}) == ["乙"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"custom_min": "donation:many"}, "custom_min"),
        ({"custom_max": "joined:2020-13-45"}, "custom_max"),
        ({"custom_min": "motto:3"}, "custom_min"),
        ({"custom_all": "hobby:围棋"}, "custom_all"),
        ({"custom": "nosuch:1"}, "custom"),
    ],
)
def test_the_api_refuses_wrong_custom_parameters(client, archive, platform_admin, params, name):
    client.force_login(platform_admin)
    response = client.get("/api/v1/alumni/records", params)
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [detail["loc"] for detail in details] == [["query", name]]
