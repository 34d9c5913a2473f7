"""API of organization management: list filters, detail, create, update, archive, links, stats,
with the same scope as the console (403 inside the visible part, 404 outside)."""

from __future__ import annotations

import json

import pytest

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationLinkFactory,
    UserFactory,
)
from tests.organizations.org_support import local, member
from xiaoyou.core.models import AuditEntry
from xiaoyou.organizations.models import Organization, OrganizationLink
from xiaoyou.organizations.services import organization_archive

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# --- list and detail -------------------------------------------------------------------------


def test_list_filters(client, org_tree, platform_admin):
    organization_archive(actor=None, org=org_tree.club, reason="停办")
    client.force_login(platform_admin)
    assert names(client.get(BASE, {"kind": "college"})) == ["计算机学院校友会", "经济学院校友会"]
    assert names(client.get(BASE, {"q": "上海"})) == ["上海校友会"]
    assert names(client.get(BASE)) == [
        "示范大学校友总会",
        "计算机学院校友会",
        "经济学院校友会",
        "上海校友会",
    ]
    assert names(client.get(BASE, {"status": "archived"})) == ["计算机学院羽毛球俱乐部"]
    assert client.get(BASE, {"kind": "planet"}).status_code == 422


def test_archived_ones_are_listed_to_their_admins_only(
    client, org_tree, verified_alumnus, college_admin
):
    organization_archive(actor=None, org=org_tree.club, reason="停办")
    client.force_login(verified_alumnus)
    assert names(client.get(BASE, {"status": "archived"})) == []
    assert client.get(f"{BASE}/{org_tree.club.pk}").status_code == 404
    client.force_login(college_admin)
    assert names(client.get(BASE, {"status": "archived"})) == ["计算机学院羽毛球俱乐部"]
    body = client.get(f"{BASE}/{org_tree.club.pk}").json()
    assert (body["is_active"], body["archive_reason"]) == (False, "停办")


def test_detail_fields_and_the_sms_left_for_admins_only(
    client, org_tree, college_admin, verified_alumnus
):
    from tests.messaging.sms_support import give_sms
    from xiaoyou.messaging.services.quota import quota_charge, quota_reserve

    allocation = give_sms(org_tree.college, 300)
    quota_reserve(org=org_tree.college, segments=20, year=allocation.quota.year)
    quota_charge(org=org_tree.college, year=allocation.quota.year, segments=20, kind="invitation")
    Organization.objects.filter(pk=org_tree.college.pk).update(
        join_form=[
            {
                "key": "company",
                "label": "单位",
                "type": "text",
                "required": True,
                "choices": [],
                "help": "",
            }
        ],
    )
    client.force_login(college_admin)
    body = client.get(f"{BASE}/{org_tree.college.pk}").json()
    assert body["sms_remaining"] == 280
    assert body["approval_mode"] == "manual"
    assert body["join_form"][0]["key"] == "company"
    client.force_login(verified_alumnus)
    body = client.get(f"{BASE}/{org_tree.college.pk}").json()
    assert body["sms_remaining"] is None
    assert body["join_form"][0]["label"] == "单位"


# --- create -----------------------------------------------------------------------------------


def test_create_a_regional_association(client, org_tree, platform_admin):
    client.force_login(platform_admin)
    response = send(
        client,
        "post",
        BASE,
        {
            "name": "杭州校友会",
            "kind": "regional",
            "parent_id": org_tree.root.pk,
            "province": "浙江省",
            "city": "杭州",
            "approval_mode": "manual",
            "introduction": "<p onclick='x()'>你好<script>alert(1)</script></p>",
            "join_form": [
                {"label": "工作单位", "type": "text", "required": True},
                {
                    "key": "district",
                    "label": "所在区",
                    "type": "choice",
                    "choices": ["西湖区", "滨江区"],
                },
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    org = Organization.objects.get(pk=body["id"])
    assert (org.name, org.parent_id, org.kind, org.city) == (
        "杭州校友会",
        org_tree.root.pk,
        "regional",
        "杭州",
    )
    assert body["introduction"] == "<p>你好</p>"
    assert [field["key"] for field in body["join_form"]] == ["field_1", "district"]
    assert body["sms_remaining"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"name": "杭州校友会", "kind": "regional", "city": "杭州"},
            400,
            "organization_profile_incomplete",
        ),
        (
            {"name": "会", "kind": "club", "join_form": [{"label": "x", "type": "choice"}]},
            422,
            "invalid_join_form",
        ),
        (
            {"name": "会", "kind": "club", "join_form": [{"label": "x", "type": "x"}]},
            422,
            "invalid_input",
        ),
        ({"name": "", "kind": "club"}, 422, "invalid_input"),
        ({"name": "会", "kind": "main"}, 400, "invalid_organization_kind"),
        ({"name": "会", "kind": "club", "department_id": 999999}, 400, "invalid_input"),
    ],
)
def test_create_refusals(client, org_tree, platform_admin, body, status, code):
    client.force_login(platform_admin)
    before = Organization.objects.count()
    response = send(client, "post", BASE, {"parent_id": org_tree.root.pk, **body})
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert Organization.objects.count() == before


def test_create_under_another_branch(client, org_tree, regional_admin, verified_alumnus):
    client.force_login(regional_admin)
    response = send(
        client, "post", BASE, {"name": "x", "kind": "club", "parent_id": org_tree.college.pk}
    )
    assert response.status_code == 404
    # A member sees the college but may not add to it.
    client.force_login(verified_alumnus)
    response = send(
        client, "post", BASE, {"name": "x", "kind": "club", "parent_id": org_tree.college.pk}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Organization.objects.filter(name="x").exists()


# --- update, archive ----------------------------------------------------------------------------


def test_update_only_the_fields_sent(client, org_tree, college_admin):
    department = DepartmentFactory(name="计算机学院", code="CS")
    client.force_login(college_admin)
    url = f"{BASE}/{org_tree.college.pk}"
    response = send(client, "patch", url, {"phone": "010-1", "department_id": department.pk})
    assert response.status_code == 200, response.content
    assert response.json()["department_id"] == department.pk
    college = Organization.objects.get(pk=org_tree.college.pk)
    assert (college.phone, college.name, college.department_id) == (
        "010-1",
        "计算机学院校友会",
        department.pk,
    )
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.changes == {"department": [None, department.pk], "phone": ["", "010-1"]}
    response = send(client, "patch", url, {"department_id": None})
    assert response.json()["department_id"] is None
    assert send(client, "patch", url, {"name": None}).status_code == 422


def test_regional_admins_cannot_change_another_region(
    client, org_tree, regional_admin, verified_alumnus
):
    beijing = OrganizationFactory(
        name="北京校友会", kind="regional", parent=org_tree.root, city="北京"
    )
    client.force_login(regional_admin)
    for method, path, body in (
        ("get", f"{BASE}/{beijing.pk}", None),
        ("patch", f"{BASE}/{beijing.pk}", {"phone": "1"}),
        ("post", f"{BASE}/{beijing.pk}/archive", {"reason": "x"}),
        ("get", f"{BASE}/{beijing.pk}/stats", None),
        ("get", f"{BASE}/{beijing.pk}/links", None),
    ):
        response = send(client, method, path, body) if body is not None else client.get(path)
        assert response.status_code == 404, (method, path)
    assert names(client.get(BASE)) == ["上海校友会"]
    # Members of the main association see Beijing, but do not change it.
    client.force_login(verified_alumnus)
    assert send(client, "patch", f"{BASE}/{beijing.pk}", {"phone": "1"}).status_code == 403
    assert Organization.objects.get(pk=beijing.pk).phone == ""


def test_main_association_admins_reach_everything(client, org_tree, platform_admin):
    client.force_login(platform_admin)
    for org in (org_tree.college, org_tree.regional, org_tree.club):
        response = send(client, "patch", f"{BASE}/{org.pk}", {"phone": "400-1"})
        assert response.status_code == 200
    assert Organization.objects.filter(phone="400-1").count() == 3


def test_archive_and_restore(client, org_tree, college_admin, regional_admin):
    client.force_login(regional_admin)
    # An association's own admins do not disband it.
    response = send(client, "post", f"{BASE}/{org_tree.regional.pk}/archive", {"reason": "x"})
    assert response.status_code == 403
    client.force_login(college_admin)
    response = send(client, "post", f"{BASE}/{org_tree.club.pk}/archive", {"reason": "停办"})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    response = send(client, "post", f"{BASE}/{org_tree.college.pk}/archive", {"reason": "x"})
    assert response.status_code == 403
    response = send(client, "post", f"{BASE}/{org_tree.club.pk}/restore")
    assert response.json()["is_active"] is True
    response = send(client, "post", f"{BASE}/{org_tree.club.pk}/archive", {"reason": ""})
    assert response.status_code == 422


def test_archive_with_active_children_is_a_conflict(client, org_tree, platform_admin):
    client.force_login(platform_admin)
    response = send(client, "post", f"{BASE}/{org_tree.college.pk}/archive", {"reason": "合并"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "organization_has_active_children"


# --- links and statistics -----------------------------------------------------------------------


def test_links(client, org_tree, college_admin):
    OrganizationLinkFactory(from_org=org_tree.other_college, to_org=org_tree.college, kind="sister")
    client.force_login(college_admin)
    url = f"{BASE}/{org_tree.college.pk}/links"
    response = send(
        client, "post", url, {"to_organization_id": org_tree.regional.pk, "kind": "partner"}
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["organization"] == {
        "id": org_tree.regional.pk,
        "name": "上海校友会",
        "kind": "regional",
    }
    assert made["direction"] == "out"
    listed = client.get(url).json()
    assert [(item["organization"]["name"], item["direction"], item["kind"]) for item in listed] == [
        ("经济学院校友会", "in", "sister"),
        ("上海校友会", "out", "partner"),
    ]
    again = send(client, "post", url, {"to_organization_id": org_tree.regional.pk})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "link_exists"
    assert client.delete(f"{url}/{made['id']}").status_code == 204
    assert OrganizationLink.objects.count() == 1
    # A link that does not touch this organization is not found through it.
    other = OrganizationLinkFactory(from_org=org_tree.other_college, to_org=org_tree.root)
    assert client.delete(f"{url}/{other.pk}").status_code == 404


def test_stats(client, org_tree, platform_admin, verified_alumnus):
    record = AlumniRecordFactory(
        org=org_tree.root,
        department=DepartmentFactory(name="计算机学院", code="CS"),
        graduation_year=2015,
        city="深圳",
        industry="互联网",
    )
    user = UserFactory()
    member(org_tree.college, user=user, record=record, joined=local(2024, 2, 1))
    member(org_tree.regional, user=user, joined=local(2024, 1, 1))
    client.force_login(platform_admin)
    body = client.get(f"{BASE}/{org_tree.root.pk}/stats").json()
    assert body["organization_id"] == org_tree.root.pk
    assert body["includes_subtree"] is True
    assert body["total"] == 1
    assert body["months"][0] == {"month": "2024-01", "joined": 1, "total": 1}
    assert body["departments"] == [{"label": "计算机学院", "count": 1}]
    assert body["graduation_years"] == [{"label": "2015", "count": 1}]
    assert body["cities"] == [{"label": "深圳", "count": 1}]
    assert body["industries"] == [{"label": "互联网", "count": 1}]
    client.force_login(verified_alumnus)
    response = client.get(f"{BASE}/{org_tree.root.pk}/stats")
    assert response.status_code == 403
