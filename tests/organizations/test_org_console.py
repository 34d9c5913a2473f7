"""Console pages of organization management: the scoped list (table, tree, export, counts in a
fixed number of queries), create and edit with the join-form builder, detail, archive, links,
statistics."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    JoinRequestFactory,
    OrganizationFactory,
    OrganizationLinkFactory,
    UserFactory,
)
from tests.organizations.org_support import console_login, image_upload, local, member
from xiaoyou.core.models import AuditEntry
from xiaoyou.core.registry import OrgCounter, org_counters
from xiaoyou.organizations.models import Organization, OrganizationLink
from xiaoyou.organizations.services import organization_archive

pytestmark = pytest.mark.django_db

LIST = reverse("console:org_list")


@pytest.fixture(autouse=True)
def _english(settings):
    # Chinese is the default language; most assertions here read the English msgids.
    settings.LANGUAGE_CODE = "en"


CREATE = reverse("console:org_create")


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row.obj.name for row in response.context["table"].rows]


def form_data(**overrides: Any) -> dict[str, Any]:
    """A valid profile for the create/edit form, with an empty join form."""
    data = {
        "name": "杭州校友会",
        "short_name": "杭州校友会",
        "kind": "regional",
        "province": "浙江省",
        "city": "杭州",
        "address": "",
        "phone": "0571-88888888",
        "industry": "",
        "department": "",
        "introduction": "",
        "joining_requirements": "",
        "approval_mode": "manual",
        "content_review_mode": "pre",
        "visibility": "public",
    }
    data.update(join_fields([]))
    data.update(overrides)
    return data


def join_fields(fields: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "join-TOTAL_FORMS": str(len(fields)),
        "join-INITIAL_FORMS": str(initial),
        "join-MIN_NUM_FORMS": "0",
        "join-MAX_NUM_FORMS": "30",
    }
    for index, field in enumerate(fields):
        for name, value in field.items():
            if name == "required" and not value:
                continue
            if name == "DELETE" and not value:
                continue
            data[f"join-{index}-{name}"] = "on" if value is True else value
    return data


# --- list: scope, filters, tree, export, counts -----------------------------------------------


def test_each_admin_sees_their_branch(
    client, org_tree, regional_admin, college_admin, platform_admin
):
    console_login(client, regional_admin)
    assert listed(client.get(LIST)) == ["上海校友会"]
    console_login(client, college_admin)
    assert listed(client.get(LIST)) == ["计算机学院校友会", "计算机学院羽毛球俱乐部"]
    console_login(client, platform_admin)
    assert sorted(listed(client.get(LIST))) == sorted(
        Organization.objects.values_list("name", flat=True)
    )


def test_alumni_without_admin_rights_are_refused(client, verified_alumnus):
    client.force_login(verified_alumnus)
    assert client.get(LIST).status_code == 403


def test_filters_by_type_status_and_name(client, org_tree, platform_admin):
    organization_archive(actor=None, org=org_tree.club, reason="停办")
    console_login(client, platform_admin)
    assert listed(client.get(LIST, {"kind": "college"})) == ["计算机学院校友会", "经济学院校友会"]
    assert listed(client.get(LIST, {"status": "archived"})) == ["计算机学院羽毛球俱乐部"]
    assert "计算机学院羽毛球俱乐部" not in listed(client.get(LIST, {"status": "active"}))
    assert listed(client.get(LIST, {"q": "上海"})) == ["上海校友会"]


def test_counts_of_members_and_pending_requests(client, org_tree, platform_admin):
    member(org_tree.college, user=UserFactory(), joined=local(2024, 1, 1))
    member(org_tree.college, user=UserFactory(), joined=local(2024, 1, 2))
    member(org_tree.college, user=UserFactory(), joined=local(2024, 1, 3), status="left")
    JoinRequestFactory(org=org_tree.college)
    JoinRequestFactory(org=org_tree.regional)
    console_login(client, platform_admin)
    rows = {row.obj.name: row.obj for row in client.get(LIST).context["table"].rows}
    assert rows["计算机学院校友会"].members_count == 2
    assert rows["计算机学院校友会"].pending_requests_count == 1
    assert rows["上海校友会"].pending_requests_count == 1
    assert rows["经济学院校友会"].members_count == 0


@pytest.fixture
def event_counter():
    """An org counter like the one the events module will register."""
    calls: list[list[int]] = []

    def value(org_ids):
        calls.append(list(org_ids))
        names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
        return {pk: len(name) for pk, name in names.items()}

    org_counters.add(OrgCounter(key="test_events", label="Events", value=value))
    yield calls
    org_counters.items.pop("test_events")


def test_registered_counters_are_columns(client, org_tree, platform_admin, event_counter):
    console_login(client, platform_admin)
    response = client.get(LIST)
    table = response.context["table"]
    assert [header.label for header in table.headers][-2] == "Events"
    college_row = next(row for row in table.rows if row.obj.pk == org_tree.college.pk)
    assert college_row.cells[-2].text == str(len("计算机学院校友会"))
    # One call for the whole page.
    assert len(event_counter) == 1
    assert sorted(event_counter[0]) == sorted(Organization.objects.values_list("pk", flat=True))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(captured)


def test_the_list_needs_a_fixed_number_of_queries(client, org_tree, platform_admin, event_counter):
    console_login(client, platform_admin)
    client.get(LIST)
    few = _queries(client)
    for index in range(12):
        org = OrganizationFactory(name=f"分会{index}", parent=org_tree.regional, kind="club")
        member(org, user=UserFactory(password="!x"), joined=local(2024, 1, 1))
        JoinRequestFactory(org=org)
    client.get(LIST)  # the branding cache, cleared by the new organizations, fills again
    many = _queries(client)
    assert many == few
    assert len(client.get(LIST).context["table"].rows) == 17


def test_tree_view_nests_the_branch(client, org_tree, college_admin, platform_admin):
    organization_archive(actor=None, org=org_tree.club, reason="停办")
    console_login(client, platform_admin)
    response = client.get(LIST, {"view": "tree"})
    tree = response.context["tree"]
    assert [node.org.name for node in tree] == ["示范大学校友总会"]
    assert [child.org.name for child in tree[0].children] == [
        "计算机学院校友会",
        "经济学院校友会",
        "上海校友会",
    ]
    assert tree[0].children[0].children == []  # the archived club is hidden
    shown = client.get(LIST, {"view": "tree", "archived": "1"}).context["tree"]
    assert [child.org.name for child in shown[0].children[0].children] == ["计算机学院羽毛球俱乐部"]
    html = client.get(LIST, {"view": "tree", "archived": "1"}).content.decode()
    assert html.count('class="org-tree-item"') == 5
    assert "<details open>" in html

    console_login(client, college_admin)
    tree = client.get(LIST, {"view": "tree"}).context["tree"]
    assert [node.org.name for node in tree] == ["计算机学院校友会"]


def test_export_to_excel(client, org_tree, regional_admin, platform_admin):
    member(org_tree.regional, user=UserFactory(), joined=local(2024, 1, 1))
    console_login(client, regional_admin)
    response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == (
        "Organization name",
        "Type",
        "Parent organization",
        "City",
        "Members",
        "Pending requests",
        "Status",
    )
    assert rows[1:] == [
        ("上海校友会", "Regional association", "示范大学校友总会", "上海", 1, 0, "Active")
    ]


# --- create and edit ---------------------------------------------------------------------------


def test_create_a_regional_association_with_a_join_form(client, org_tree, platform_admin):
    console_login(client, platform_admin)
    assert client.get(CREATE).status_code == 200
    data = form_data(
        approval_mode="manual",
        introduction='<p>欢迎<script>alert(1)</script><a href="https://a.example">杭州</a></p>',
        **join_fields(
            [
                {"label": "工作单位", "type": "text", "required": True, "ORDER": "2"},
                {
                    "label": "所在区",
                    "type": "choice",
                    "choices": "西湖区\n滨江区",
                    "required": False,
                    "ORDER": "1",
                },
                {"label": "删掉的问题", "type": "text", "DELETE": True, "ORDER": "3"},
            ]
        ),
        parent=str(org_tree.root.pk),
    )
    response = client.post(CREATE, data)
    org = Organization.objects.get(name="杭州校友会")
    assert response.status_code == 302
    assert response["Location"] == reverse("console:org_detail", args=[org.pk])
    assert (org.parent_id, org.kind, org.province, org.city) == (
        org_tree.root.pk,
        "regional",
        "浙江省",
        "杭州",
    )
    assert (
        org.introduction
        == '<p>欢迎<a href="https://a.example" rel="noopener noreferrer">杭州</a></p>'
    )
    assert org.join_form == [
        {
            "key": "field_1",
            "label": "所在区",
            "type": "choice",
            "required": False,
            "choices": ["西湖区", "滨江区"],
            "help": "",
        },
        {
            "key": "field_2",
            "label": "工作单位",
            "type": "text",
            "required": True,
            "choices": [],
            "help": "",
        },
    ]
    assert AuditEntry.objects.filter(action="organization.create", object_id=str(org.pk)).exists()


def test_join_form_errors_are_inline_and_translated(client, org_tree, platform_admin, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    console_login(client, platform_admin)
    data = form_data(
        parent=str(org_tree.root.pk),
        **join_fields(
            [
                {"label": "学历", "type": "choice", "key": "degree", "ORDER": "1"},
                {"label": "学位", "type": "text", "key": "degree", "ORDER": "2"},
            ]
        ),
    )
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert not Organization.objects.filter(name="杭州校友会").exists()
    with translation.override("zh-hans"):
        no_choices = gettext("A choice field needs its choices, one per line.")
        same_key = gettext("Another field already uses this key.")
    formset = response.context["formset"]
    assert formset.forms[0].errors == {"choices": [no_choices]}
    assert formset.forms[1].errors == {"key": [same_key]}
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    # Shown next to the field, in the join-form builder.
    builder = html[html.index("data-join-builder") :]
    assert no_choices in builder
    assert 'class="join-field has-error"' in builder


def test_profile_rules_show_on_the_fields(client, org_tree, platform_admin):
    console_login(client, platform_admin)
    response = client.post(
        CREATE, form_data(parent=str(org_tree.root.pk), province="", city="", kind="regional")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["province"] == [gettext("A regional association needs its province.")]
    assert errors["city"] == [gettext("A regional association needs its city.")]
    response = client.post(
        CREATE, form_data(parent=str(org_tree.root.pk), kind="industry", name="金融校友会")
    )
    assert response.context["form"].errors["industry"] == [
        gettext("An industry association needs its industry.")
    ]


def test_the_parent_must_be_administered(client, org_tree, regional_admin):
    console_login(client, regional_admin)
    response = client.post(CREATE, form_data(parent=str(org_tree.college.pk), kind="club"))
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert list(response.context["form"].fields["parent"].queryset) == [org_tree.regional]
    assert not Organization.objects.filter(name="杭州校友会").exists()


def test_images_are_checked_in_the_form(client, org_tree, regional_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    console_login(client, regional_admin)
    edit = reverse("console:org_edit", args=[org_tree.regional.pk])
    fake = image_upload("logo.png")
    fake.file = io.BytesIO(b"not an image at all")
    response = client.post(
        edit,
        form_data(name="上海校友会", province="上海市", city="上海", logo=fake),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["logo"]
    response = client.post(
        edit,
        form_data(name="上海校友会", province="上海市", city="上海", logo=image_upload("x.png")),
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=org_tree.regional.pk).logo.name.endswith(".png")


def test_edit_keeps_and_reorders_the_join_form(client, org_tree, regional_admin):
    from xiaoyou.organizations.services import organization_update

    organization_update(
        actor=None,
        org=org_tree.regional,
        changes={
            "join_form": [
                {"key": "company", "label": "单位", "type": "text"},
                {"key": "district", "label": "区", "type": "choice", "choices": ["浦东", "徐汇"]},
            ]
        },
    )
    console_login(client, regional_admin)
    edit = reverse("console:org_edit", args=[org_tree.regional.pk])
    page = client.get(edit)
    assert page.status_code == 200
    assert [form.initial["key"] for form in page.context["formset"].forms] == [
        "company",
        "district",
    ]
    response = client.post(
        edit,
        form_data(
            name="上海校友会",
            province="上海市",
            city="上海",
            **join_fields(
                [
                    {
                        "key": "company",
                        "label": "单位",
                        "type": "text",
                        "ORDER": "2",
                        "DELETE": True,
                    },
                    {
                        "key": "district",
                        "label": "区",
                        "type": "choice",
                        "choices": "浦东\n徐汇\n静安",
                        "ORDER": "1",
                    },
                    {
                        "key": "",
                        "label": "毕业年份",
                        "type": "number",
                        "ORDER": "2",
                        "required": True,
                    },
                ],
                initial=2,
            ),
        ),
    )
    assert response.status_code == 302
    regional = Organization.objects.get(pk=org_tree.regional.pk)
    assert [(f["key"], f["label"], f["choices"]) for f in regional.join_form] == [
        ("district", "区", ["浦东", "徐汇", "静安"]),
        ("field_1", "毕业年份", []),
    ]


def test_another_regions_pages_are_not_found(client, org_tree, regional_admin):
    console_login(client, regional_admin)
    other = OrganizationFactory(
        name="北京校友会", kind="regional", parent=org_tree.root, city="北京"
    )
    for name in ("console:org_detail", "console:org_edit", "console:org_stats"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    response = client.post(reverse("console:org_edit", args=[other.pk]), form_data(name="改名"))
    assert response.status_code == 404
    assert Organization.objects.get(pk=other.pk).name == "北京校友会"


def test_only_platform_admins_move_from_the_edit_form(
    client, org_tree, college_admin, platform_admin
):
    console_login(client, college_admin)
    page = client.get(reverse("console:org_edit", args=[org_tree.club.pk]))
    assert "parent" not in page.context["form"].fields
    console_login(client, platform_admin)
    edit = reverse("console:org_edit", args=[org_tree.club.pk])
    assert "parent" in client.get(edit).context["form"].fields
    response = client.post(
        edit,
        form_data(
            name="计算机学院羽毛球俱乐部",
            kind="club",
            province="",
            city="",
            parent=str(org_tree.regional.pk),
        ),
    )
    assert response.status_code == 302
    club = Organization.objects.get(pk=org_tree.club.pk)
    assert club.path == f"{org_tree.regional.path}{club.pk}/"


# --- detail, archive, links, statistics -------------------------------------------------------


def test_detail_shows_the_profile_children_leaders_and_links(client, org_tree, college_admin):
    OrganizationLinkFactory(from_org=org_tree.other_college, to_org=org_tree.college, note="兄弟")
    console_login(client, college_admin)
    response = client.get(reverse("console:org_detail", args=[org_tree.college.pk]))
    assert response.status_code == 200
    assert [child.name for child in response.context["children"]] == ["计算机学院羽毛球俱乐部"]
    assert [role.user for role in response.context["leaders"]] == [college_admin]
    assert [(item.other.name, item.is_outgoing) for item in response.context["links"]] == [
        ("经济学院校友会", False)
    ]
    assert response.context["figures"].children == 1
    # The college admins run the college but do not disband it: the main association does.
    assert response.context["may_archive"] is False
    html = response.content.decode()
    assert reverse("console:org_stats", args=[org_tree.college.pk]) in html


def test_detail_shows_the_sms_left_of_the_allocation_and_links_to_the_quota(
    client, org_tree, college_admin
):
    from tests.messaging.sms_support import give_sms

    console_login(client, college_admin)
    url = reverse("console:org_detail", args=[org_tree.college.pk])
    assert 'data-sms-remaining="0"' in client.get(url).content.decode()
    give_sms(org_tree.college, 120)
    html = client.get(url).content.decode()
    assert 'data-sms-remaining="120"' in html
    assert reverse("console:messaging_quota") in html


def test_archive_and_restore_from_the_console(client, org_tree, college_admin):
    console_login(client, college_admin)
    detail = reverse("console:org_detail", args=[org_tree.club.pk])
    assert client.get(detail).context["may_archive"] is True
    response = client.post(
        reverse("console:org_archive", args=[org_tree.club.pk]), {"reason": "活动停止"}
    )
    assert response.status_code == 302
    club = Organization.objects.get(pk=org_tree.club.pk)
    assert (club.is_active, club.archive_reason) == (False, "活动停止")
    # Archived organizations stay listed for their admins, and can be restored.
    assert client.get(detail).status_code == 200
    client.post(reverse("console:org_restore", args=[org_tree.club.pk]))
    assert Organization.objects.get(pk=org_tree.club.pk).is_active is True


def test_archive_refusal_is_a_message(client, org_tree, platform_admin):
    console_login(client, platform_admin)
    response = client.post(
        reverse("console:org_archive", args=[org_tree.college.pk]), {"reason": "合并"}, follow=True
    )
    assert [str(message) for message in response.context["messages"]] == [
        gettext("This organization still has active sub-organizations: archive or move them first.")
    ]
    assert Organization.objects.get(pk=org_tree.college.pk).is_active is True


def test_regional_admins_cannot_archive_their_own_association(client, org_tree, regional_admin):
    console_login(client, regional_admin)
    response = client.post(
        reverse("console:org_archive", args=[org_tree.regional.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert Organization.objects.get(pk=org_tree.regional.pk).is_active is True


def test_add_and_remove_links(client, org_tree, college_admin):
    console_login(client, college_admin)
    detail = reverse("console:org_detail", args=[org_tree.college.pk])
    candidates = client.get(detail).context["link_form"].fields["to_org"].queryset
    assert org_tree.college not in candidates
    response = client.post(
        reverse("console:org_link_add", args=[org_tree.college.pk]),
        {"to_org": org_tree.regional.pk, "kind": "partner", "note": "合作"},
    )
    assert response.status_code == 302
    link = OrganizationLink.objects.get()
    assert (link.from_org_id, link.to_org_id, link.kind) == (
        org_tree.college.pk,
        org_tree.regional.pk,
        "partner",
    )
    assert (
        org_tree.regional not in client.get(detail).context["link_form"].fields["to_org"].queryset
    )
    client.post(reverse("console:org_link_delete", args=[org_tree.college.pk, link.pk]))
    assert not OrganizationLink.objects.exists()


def test_statistics_page_and_workbook(client, org_tree, regional_admin):
    record = AlumniRecordFactory(
        org=org_tree.root,
        department=DepartmentFactory(name="土木学院", code="CE"),
        graduation_year=2008,
        city="上海",
        industry="建筑",
    )
    member(org_tree.regional, user=UserFactory(), record=record, joined=local(2024, 5, 3))
    member(org_tree.regional, name="无档案", joined=local(2024, 6, 3))
    console_login(client, regional_admin)
    url = reverse("console:org_stats", args=[org_tree.regional.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["stats"].total == 2
    html = response.content.decode()
    assert 'src="/static/vendor/echarts.min.js"' in html
    assert 'id="org-stats-data"' in html
    tables = {table["key"]: table["rows"] for table in response.context["tables"]}
    assert tables["departments"] == [["土木学院", 1], [gettext("Unknown"), 1]]
    assert tables["graduation_years"] == [["2008", 1], [gettext("Unknown"), 1]]
    assert tables["months"][-2:] == [["2024-06", 1, 2], ["2024-05", 1, 1]]

    export = client.get(url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == [
        "Members over time",
        "By department",
        "By year of graduation",
        "By city",
        "By industry",
    ]
    assert list(workbook["By city"].values) == [("City", "Members"), ("上海", 1), ("Unknown", 1)]


def test_the_nav_entry(client, org_tree, regional_admin):
    console_login(client, regional_admin)
    html = client.get(reverse("console:dashboard")).content.decode()
    assert f'href="{LIST}"' in html
    assert 'data-nav="organizations"' in html
