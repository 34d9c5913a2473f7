from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_college_admin_sees_their_subtree_only(client, college_admin, org_tree):
    client.force_login(college_admin)
    response = client.get("/api/v1/organizations")
    assert names(response) == ["计算机学院校友会", "计算机学院羽毛球俱乐部"]
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1 and body["page_size"] == 20
    college, club = body["items"]
    assert college["parent_id"] == org_tree.root.pk  # the parent is outside the visible part
    assert club["parent_id"] == org_tree.college.pk
    assert college["kind"] == "college"


def test_regional_admin_sees_their_association(client, regional_admin):
    client.force_login(regional_admin)
    assert names(client.get("/api/v1/organizations")) == ["上海校友会"]


def test_members_of_the_root_see_the_whole_tree(client, verified_alumnus):
    client.force_login(verified_alumnus)
    assert len(names(client.get("/api/v1/organizations"))) == 5


def test_outsider_sees_nothing(client, outsider, org_tree):
    client.force_login(outsider)
    assert names(client.get("/api/v1/organizations")) == []
    assert client.get(f"/api/v1/organizations/{org_tree.root.pk}").status_code == 404


def test_detail_of_a_visible_organization(client, college_admin, org_tree):
    client.force_login(college_admin)
    response = client.get(f"/api/v1/organizations/{org_tree.club.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == org_tree.club.pk
    assert body["name"] == "计算机学院羽毛球俱乐部"
    assert body["kind"] == "club"
    assert body["logo_url"] == ""


@pytest.mark.parametrize("other", ["root", "other_college", "regional"])
def test_detail_of_another_org_is_404(client, college_admin, org_tree, other):
    client.force_login(college_admin)
    response = client.get(f"/api/v1/organizations/{getattr(org_tree, other).pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pagination(client, platform_admin):
    client.force_login(platform_admin)
    first = client.get("/api/v1/organizations?page_size=2").json()
    second = client.get("/api/v1/organizations?page_size=2&page=2").json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == len(second["items"]) == 2
    assert {item["id"] for item in first["items"]}.isdisjoint(
        item["id"] for item in second["items"]
    )


def test_list_query_count_does_not_grow(
    client, platform_admin, org_tree, django_assert_max_num_queries
):
    from tests.factories import OrganizationFactory

    client.force_login(platform_admin)
    for index in range(10):
        OrganizationFactory(name=f"分会{index}", parent=org_tree.regional)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/organizations?page_size=100")
    assert response.json()["count"] == 15
