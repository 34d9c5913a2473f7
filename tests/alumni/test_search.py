"""多维度查询: the search box, filters, ranking, scope and the search page."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoyou.alumni.models import AlumniRecord, Department, DepartmentAlias, Major, Tag
from xiaoyou.alumni.models.departments import DepartmentKind
from xiaoyou.alumni.selectors_search import SearchFilters, search_records
from xiaoyou.alumni.services.search_keys import record_search_keys_fill

pytestmark = pytest.mark.django_db


def _record(org, name, **fields):
    record = AlumniRecord(org=org, name=name, **fields)
    record_search_keys_fill([record])
    record.save()
    return record


@pytest.fixture
def school(org_tree):
    cs = Department.objects.create(
        name="计算机学院", code="CS", kind=DepartmentKind.COLLEGE, org=org_tree.college
    )
    software = Department.objects.create(
        name="软件工程系", code="CS-SE", kind=DepartmentKind.DEPARTMENT, parent=cs
    )
    DepartmentAlias.objects.create(department=cs, name="计算机科学系", used_until=2001)
    econ = Department.objects.create(
        name="经济学院", code="EC", kind=DepartmentKind.COLLEGE, org=org_tree.other_college
    )
    se_major = Major.objects.create(department=software, name="软件工程")
    root = org_tree.root
    people = {
        "zsf": _record(
            root, "张三丰", student_id="2001010203", department=software, major=se_major,
            enrollment_year=2001, graduation_year=2005, phone="13912345678",
            employer="武当山科技有限公司", city="十堰", province="湖北省",
        ),
        "wf": _record(
            root, "王芳", student_id="2003020001", department=econ, enrollment_year=2003,
            graduation_year=2007, phone="13800001111", email="wangfang@example.com",
            employer="中国银行", city="北京", industry="金融",
        ),
        "wfl": _record(
            root, "王芳琳", student_id="2004020002", department=econ, enrollment_year=2004,
            graduation_year=2008, city="上海", employer="浦发银行",
        ),
        "lwf": _record(
            root, "李文芳", student_id="1998010001", department=cs, enrollment_year=1998,
            graduation_year=2002, city="北京", employer="腾讯", is_key_alumnus=True,
        ),
        "deleted": _record(root, "王芳", student_id="2003020009", department=econ),
    }  # fmt: skip
    AlumniRecord.objects.filter(pk=people["deleted"].pk).update(deleted_at="2025-01-01T00:00:00Z")
    return people


def _names(result):
    return [record.name for record in result.records]


def _ids(result):
    return {record.pk for record in result.records}


def test_search_keys_are_filled(school):
    record = AlumniRecord.objects.get(pk=school["zsf"].pk)
    assert (record.name_pinyin, record.name_initials) == ("zhangsanfeng", "zsf")


@pytest.mark.parametrize("text", ["zsf", "zhangsanfeng", "ZSF", "sanfeng", "三丰", "张三丰", "张"])
def test_name_pinyin_and_initials_find_zhang_sanfeng(school, platform_admin, text):
    result = search_records(user=platform_admin, text=text)
    assert _names(result) == ["张三丰"]


def test_two_character_name_ranks_the_exact_name_first(school, platform_admin):
    result = search_records(user=platform_admin, text="王芳")
    # Exact name first, then the name prefix; the deleted 王芳 is never shown.
    assert _names(result) == ["王芳", "王芳琳"]
    assert result.total == 2 and result.total_capped is False


def test_two_character_fragment_inside_a_name(school, platform_admin):
    assert _names(search_records(user=platform_admin, text="文芳")) == ["李文芳"]


def test_two_letter_initials(school, platform_admin):
    # 王芳 (wf) exactly, then 王芳琳 (wfl) by initials prefix.
    assert _names(search_records(user=platform_admin, text="wf")) == ["王芳", "王芳琳"]
    assert _names(search_records(user=platform_admin, text="lwf")) == ["李文芳"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("12345678", "zsf"),  # phone fragment
        ("0102", "zsf"),  # student number fragment
        ("武当山", "zsf"),  # employer fragment
        ("wangfang@", "wf"),  # email fragment
    ],
)
def test_fragments_of_other_fields(school, platform_admin, text, key):
    assert _ids(search_records(user=platform_admin, text=text)) == {school[key].pk}


def test_two_character_terms_match_names_not_other_fields(school, platform_admin):
    # Trigram structures need 3 characters; a 2-character city is reached by the city filter.
    assert _ids(search_records(user=platform_admin, text="十堰")) == set()
    assert _names(search_records(user=platform_admin, filters=SearchFilters(city="十堰"))) == [
        "张三丰"
    ]


def test_former_department_name_finds_its_alumni(school, platform_admin):
    result = search_records(user=platform_admin, text="计算机科学系")
    assert {record.name for record in result.records} == {"张三丰", "李文芳"}


def test_combined_and_hierarchical_filters(school, platform_admin):
    cs = Department.objects.get(code="CS")
    # The college filter reaches the department below it.
    assert {r.name for r in search_records(
        user=platform_admin, filters=SearchFilters(department=cs.pk)
    ).records} == {"张三丰", "李文芳"}  # fmt: skip
    result = search_records(
        user=platform_admin,
        text="wf",
        filters=SearchFilters(city="北京", graduation_year_min=2006, graduation_year_max=2007),
    )
    assert _names(result) == ["王芳"]
    result = search_records(
        user=platform_admin, filters=SearchFilters(department=cs.pk, is_key_alumnus=True)
    )
    assert _names(result) == ["李文芳"]
    tag = Tag.objects.create(name="理事")
    school["wfl"].tags.add(tag)
    assert _names(search_records(user=platform_admin, filters=SearchFilters(tags=[tag.pk]))) == [
        "王芳琳"
    ]
    major = Major.objects.get(name="软件工程")
    assert _names(search_records(user=platform_admin, filters=SearchFilters(major=major.pk))) == [
        "张三丰"
    ]


def test_custom_field_filter(school, platform_admin):
    AlumniRecord.objects.filter(pk=school["wf"].pk).update(custom_data={"hobby": "围棋"})
    result = search_records(user=platform_admin, filters=SearchFilters(custom={"hobby": "围棋"}))
    assert _names(result) == ["王芳"]


def test_college_admin_sees_only_their_college(school, college_admin):
    result = search_records(user=college_admin)
    assert {record.name for record in result.records} == {"张三丰", "李文芳"}
    assert _ids(search_records(user=college_admin, text="王芳")) == set()


def test_outsider_sees_nothing(school, outsider):
    assert search_records(user=outsider, text="zsf").records == []


def test_pagination_and_capped_count(school, platform_admin):
    first = search_records(user=platform_admin, page_size=2, sort="name")
    assert first.has_next is True and first.total == 4
    second = search_records(user=platform_admin, page_size=2, page=2, sort="name")
    assert second.has_next is False
    assert len(_ids(first) | _ids(second)) == 4


def test_search_keys_follow_name_updates_in_the_index(school, platform_admin):
    record = AlumniRecord.objects.get(pk=school["lwf"].pk)
    record.name = "欧阳修"
    record_search_keys_fill([record])
    record.save()
    assert _names(search_records(user=platform_admin, text="oyx")) == ["欧阳修"]
    assert _names(search_records(user=platform_admin, text="李文芳")) == []
    record.delete()
    assert _names(search_records(user=platform_admin, text="oyx")) == []


# --- Console page, saved searches, export, API ---------------------------------------------------


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _console(client, user):
    from tests.organizations.org_support import console_login

    console_login(client, user)


def test_search_page_lists_masked_phones_in_fixed_queries(
    client, school, platform_admin, english, django_assert_max_num_queries
):
    _console(client, platform_admin)
    url = reverse("console:alumni_search")
    response = client.get(url, {"q": "zsf"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "张三丰" in page and "王芳" not in page
    assert "139****5678" in page and "13912345678" not in page
    # The same number of queries for one hit and for every record.
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"q": "zsf"})
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"q": "王芳", "city": "北京", "grad_from": "2000"})
    # A one-term search reads the exact/prefix tiers in one query and, when they don't fill
    # the page, the other matches' ids in one more; a CJK term adds one query (department
    # names). The count never grows with the number of records shown.
    assert len(one) == len(many) + 2
    assert len(filtered) == len(one) + 1


def test_search_page_filters_and_cascading_units(client, school, platform_admin, english):
    _console(client, platform_admin)
    cs = Department.objects.get(code="CS")
    response = client.get(reverse("console:alumni_search"), {"college": cs.pk})
    page = response.content.decode()
    assert "张三丰" in page and "李文芳" in page and "王芳琳" not in page
    units = client.get(reverse("console:alumni_search_units"), {"college": cs.pk})
    assert "软件工程系" in units.content.decode()
    software = Department.objects.get(code="CS-SE")
    majors = client.get(
        reverse("console:alumni_search_units"), {"college": cs.pk, "department": software.pk}
    )
    assert "软件工程</option>" in majors.content.decode()


def test_export_of_the_result_to_excel(client, school, platform_admin, english):
    from openpyxl import load_workbook

    _console(client, platform_admin)
    response = client.get(reverse("console:alumni_search"), {"q": "王芳", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    assert [row[0] for row in rows[1:]] == ["王芳", "王芳琳"]
    assert rows[1][6] == "138****1111"


def test_saved_searches_save_share_open_delete_and_audience(
    client, school, platform_admin, college_admin, english
):
    from xiaoyou.alumni.models import SavedSearch
    from xiaoyou.alumni.selectors_search import saved_search_queryset, saved_searches_for

    _console(client, college_admin)
    response = client.post(
        reverse("console:alumni_saved_search_create"),
        {"name": "计算机北京", "query": "q=&city=%E5%8C%97%E4%BA%AC&page=3", "is_shared": "1"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(name="计算机北京")
    assert saved.owner == college_admin and saved.is_shared is True
    assert saved.query == {"city": "北京"}
    # As an audience: evaluated with the user's scope (the college admin sees 李文芳 only).
    assert [r.name for r in saved_search_queryset(saved, college_admin)] == ["李文芳"]
    assert sorted(r.name for r in saved_search_queryset(saved, platform_admin)) == [
        "李文芳",
        "王芳",
    ]
    # Shared: listed to admins reaching its organization; the platform admin sees it too.
    assert list(saved_searches_for(platform_admin)) == [saved]
    opened = client.get(reverse("console:alumni_saved_search", args=[saved.pk]))
    assert opened.status_code == 302 and "city=%E5%8C%97%E4%BA%AC" in opened["Location"]
    client.post(reverse("console:alumni_saved_search_share", args=[saved.pk]), {"shared": "0"})
    saved.refresh_from_db()
    assert saved.is_shared is False
    # No longer shared: only its owner lists it.
    assert list(saved_searches_for(platform_admin)) == []
    assert list(saved_searches_for(college_admin)) == [saved]
    client.post(reverse("console:alumni_saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_saved_search_of_another_admin_cannot_be_deleted(
    client, school, college_admin, regional_admin, org_tree, english
):
    from xiaoyou.alumni.models import SavedSearch
    from xiaoyou.alumni.services.saved_searches import saved_search_create

    saved = saved_search_create(
        actor=college_admin, org=org_tree.college, name="mine", query={"q": "zsf"}
    )
    _console(client, regional_admin)
    response = client.post(reverse("console:alumni_saved_search_delete", args=[saved.pk]))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_global_search_provider(client, school, platform_admin, english):
    _console(client, platform_admin)
    response = client.get(reverse("console:search"), {"q": "zsf"})
    assert response.status_code == 200
    assert "张三丰" in response.content.decode()


def test_api_search(client, school, platform_admin, college_admin, english):
    client.force_login(platform_admin)
    response = client.get("/api/v1/alumni/records", {"q": "wf", "city": "北京"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["count_capped"] is False and body["has_next"] is False
    assert body["items"][0]["name"] == "王芳"
    assert body["items"][0]["phone_masked"] == "138****1111"
    response = client.get("/api/v1/alumni/records", {"q": "zhangsanfeng"})
    assert [item["name"] for item in response.json()["items"]] == ["张三丰"]
    client.force_login(college_admin)
    response = client.get("/api/v1/alumni/records", {"q": "王芳"})
    assert response.json()["items"] == []


@pytest.mark.parametrize("text", ["zsf", "zhang", "张三", "zh", "科技", "zhzsf"])
def test_prefix_shortcut_pages_equal_the_full_ranking(org_tree, platform_admin, text):
    """The exact/prefix branch answers a full page alone; its pages are those of the whole
    ranked search, and later pages continue where it stops."""
    from xiaoyou.alumni.selectors_search import search_queryset

    root = org_tree.root
    for index in range(26):
        _record(root, "张三" + "丰峰锋凤"[index % 4] + ("" if index < 4 else str(index)))
    for index in range(8):  # match only as fragments: employer, email
        _record(root, f"赵{index}", employer="zsf zhang 张三 科技", email=f"zhzsf{index}@x.cn")
    everything = list(search_queryset(user=platform_admin, text=text))
    pages = []
    for page in (1, 2, 3, 4):
        result = search_records(user=platform_admin, text=text, page=page, page_size=10)
        pages.extend(result.records)
        assert result.total == len(everything)
    assert [record.pk for record in pages] == [record.pk for record in everything[:40]]
