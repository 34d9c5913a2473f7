"""The membership API: joining (JSON and multipart), my memberships, applications, leaving,
re-editing, recommendations; admins' members (scoped), removal, bans and groups."""

from __future__ import annotations

import json

import pytest

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    MemberGroupFactory,
    MembershipFactory,
    UserFactory,
)
from tests.organizations.membership_support import (  # noqa: F401 - fixtures by name
    GOOD_ANSWERS,
    clean_cache_fixture,
    english_fixture,
    media_fixture,
    pdf,
    set_join_rules,
)
from xiaoyou.organizations.models import (
    ApprovalMode,
    JoinRequest,
    JoinRequestFile,
    Membership,
    Visibility,
)
from xiaoyou.organizations.services import join_request_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "clean_cache")]

API = "/api/v1"


def post_json(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def person(db):
    return UserFactory(display_name="李雷", language="en")


# --- Joining -------------------------------------------------------------------------------------


def test_join_with_json_answers(client, org_tree, person):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    client.force_login(person)
    response = post_json(
        client,
        f"{API}/me/memberships",
        {"organization_id": org_tree.college.pk, "answers": GOOD_ANSWERS, "message": "你好"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["is_member"] is True
    assert body["join_request"]["status"] == "approved"
    assert body["join_request"]["organization_id"] == org_tree.college.pk
    assert body["join_request"]["answers"] == {
        "name": "李雷",
        "graduation_year": 2012,
        "degree": "本科",
    }


def test_join_form_errors_come_back_per_field_and_nothing_changes(client, org_tree, person):
    set_join_rules(org_tree.college)
    client.force_login(person)
    response = post_json(
        client,
        f"{API}/me/memberships",
        {"organization_id": org_tree.college.pk, "answers": {"name": "李雷", "degree": "大专"}},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "join_form_invalid",
            "message": "Please correct the errors in the join form.",
            "details": {
                "graduation_year": ["This field is required."],
                "degree": ["Select a valid choice. 大专 is not one of the available choices."],
            },
        }
    }
    assert JoinRequest.objects.count() == 0


def test_duplicate_requests_and_unknown_orgs(client, org_tree, person):
    client.force_login(person)
    url = f"{API}/me/memberships"
    first = post_json(client, url, {"organization_id": org_tree.college.pk, "answers": {}})
    assert (first.status_code, first.json()["is_member"]) == (201, False)
    again = post_json(client, url, {"organization_id": org_tree.college.pk, "answers": {}})
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "join_request_pending",
        "message": "Your request to join is already waiting for review.",
        "details": None,
    }
    assert JoinRequest.objects.count() == 1
    org_tree.club.visibility = Visibility.PRIVATE
    org_tree.club.save(update_fields=["visibility"])
    hidden = post_json(client, url, {"organization_id": org_tree.club.pk, "answers": {}})
    assert hidden.status_code == 404
    missing = post_json(client, url, {"answers": {}})
    assert missing.status_code == 422
    assert (
        post_json(client, url, {"organization_id": org_tree.regional.pk, "answers": []}).status_code
        == 422
    )


def test_join_with_a_file_by_multipart(client, org_tree, person, media):
    set_join_rules(org_tree.college)
    client.force_login(person)
    response = client.post(
        f"{API}/me/memberships",
        {
            "organization_id": str(org_tree.college.pk),
            "answers": json.dumps(GOOD_ANSWERS),
            "diploma": pdf(),
        },
    )
    assert response.status_code == 201, response.content
    stored = JoinRequestFile.objects.get()
    assert response.json()["join_request"]["answers"]["diploma"] == {
        "file_id": stored.pk,
        "name": "毕业证.pdf",
    }


def test_signed_out_requests_get_401(client, org_tree):
    response = post_json(client, f"{API}/me/memberships", {"organization_id": org_tree.college.pk})
    assert response.status_code == 401


# --- My side -----------------------------------------------------------------------------------


def test_my_memberships_applications_leave_and_info(client, org_tree, person, college_admin):
    set_join_rules(org_tree.college, mode=ApprovalMode.AUTOMATIC)
    join_request_submit(actor=person, org=org_tree.college, answers=GOOD_ANSWERS)
    join_request_submit(actor=person, org=org_tree.regional, answers={})
    client.force_login(person)
    mine = client.get(f"{API}/me/memberships").json()
    assert [(m["organization_name"], m["source"]) for m in mine] == [
        ("示范大学校友总会", "implied"),
        ("计算机学院校友会", "application"),
    ]
    applications = client.get(f"{API}/me/join-requests").json()
    assert [(item["organization_name"], item["status"]) for item in applications["items"]] == [
        ("上海校友会", "pending"),
        ("计算机学院校友会", "approved"),
    ]
    pending = client.get(f"{API}/me/join-requests", {"status": "pending"}).json()
    assert pending["count"] == 1

    college = Membership.objects.get(org=org_tree.college, user=person)
    updated = post_json(
        client,
        f"{API}/me/memberships/{college.pk}/info",
        {"answers": {**GOOD_ANSWERS, "degree": "博士"}},
    )
    assert updated.status_code == 200
    assert (updated.json()["status"], updated.json()["is_update"]) == ("approved", True)
    college.refresh_from_db()
    assert college.answers["degree"] == "博士"
    invalid = post_json(client, f"{API}/me/memberships/{college.pk}/info", {"answers": {}})
    assert invalid.status_code == 400
    assert set(invalid.json()["error"]["details"]) == {"name", "graduation_year", "degree"}

    # Someone else's membership is not found.
    other = MembershipFactory(org=org_tree.college, user=college_admin)
    assert client.post(f"{API}/me/memberships/{other.pk}/leave").status_code == 404
    left = client.post(f"{API}/me/memberships/{college.pk}/leave")
    assert left.json() == {"left_organization_ids": [org_tree.college.pk]}
    assert client.post(f"{API}/me/memberships/{college.pk}/leave").status_code == 404


def test_my_recommendations(client, org_tree, person):
    department = DepartmentFactory()
    org_tree.college.department = department
    org_tree.college.save(update_fields=["department"])
    set_join_rules(org_tree.college)
    AlumniRecordFactory(org=org_tree.root, user=person, department=department, city="上海")
    MembershipFactory(org=org_tree.root, user=person)
    client.force_login(person)
    assert client.get(f"{API}/me/recommendations").json() == [
        {
            "organization_id": org_tree.college.pk,
            "name": "计算机学院校友会",
            "kind": "college",
            "reason": "Your department",
            "needs_form": True,
        },
        {
            "organization_id": org_tree.regional.pk,
            "name": "上海校友会",
            "kind": "regional",
            "reason": "Your city",
            "needs_form": False,
        },
    ]


# --- Admins --------------------------------------------------------------------------------------


@pytest.fixture
def members(org_tree):
    return {
        "college": MembershipFactory(
            org=org_tree.college, user=UserFactory(display_name="韩梅梅", phone="+8613811112222")
        ),
        "club": MembershipFactory(org=org_tree.club, user=UserFactory(display_name="球友")),
        "regional": MembershipFactory(org=org_tree.regional, user=UserFactory(display_name="沪友")),
    }


def test_members_are_scoped_to_the_admins_branch(
    client, org_tree, members, college_admin, regional_admin, platform_admin
):
    url = f"{API}/organizations/{org_tree.college.pk}/members"
    client.force_login(college_admin)
    body = client.get(url).json()
    assert [(m["name"], m["phone"]) for m in body["items"]] == [("韩梅梅", "138****2222")]
    everything = client.get(url, {"include_suborganizations": "true"}).json()
    assert sorted(m["name"] for m in everything["items"]) == ["球友", "韩梅梅"]
    assert client.get(url, {"q": "1111"}).json()["count"] == 1
    client.force_login(regional_admin)
    refused = client.get(url)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    own = client.get(f"{API}/organizations/{org_tree.regional.pk}/members").json()
    assert [m["name"] for m in own["items"]] == ["沪友"]
    client.force_login(platform_admin)
    root = client.get(
        f"{API}/organizations/{org_tree.root.pk}/members", {"include_suborganizations": "true"}
    ).json()
    assert root["count"] == 3


def test_the_member_list_query_count_does_not_grow(
    client, org_tree, college_admin, django_assert_num_queries
):
    group = MemberGroupFactory(org=org_tree.college)
    for _ in range(2):
        group.members.add(MembershipFactory(org=org_tree.college))
    url = f"{API}/organizations/{org_tree.college.pk}/members"
    client.force_login(college_admin)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(12):
        group.members.add(MembershipFactory(org=org_tree.college))
    with django_assert_num_queries(len(few)):
        body = client.get(url).json()
    assert body["count"] == 14
    assert all(item["groups"] == [group.name] for item in body["items"])


def test_remove_and_ban_by_api(client, org_tree, members, college_admin, regional_admin):
    url = f"{API}/members/{members['college'].pk}"
    client.force_login(regional_admin)
    assert post_json(client, f"{url}/remove", {"reason": "不在本地"}).status_code == 404
    client.force_login(college_admin)
    assert post_json(client, f"{url}/remove", {"reason": ""}).status_code == 422
    removed = post_json(client, f"{url}/remove", {"reason": "长期失联"})
    assert removed.status_code == 200
    assert removed.json()["status"] == "removed"
    banned = post_json(client, f"{API}/members/{members['club'].pk}/ban", {"reason": "违反章程"})
    assert banned.json()["status"] == "banned"


def test_groups_by_api(client, org_tree, members, college_admin, regional_admin):
    client.force_login(college_admin)
    created = post_json(
        client, f"{API}/organizations/{org_tree.college.pk}/groups", {"name": "理事会"}
    )
    assert created.status_code == 201
    group_id = created.json()["id"]
    duplicate = post_json(
        client, f"{API}/organizations/{org_tree.college.pk}/groups", {"name": "理事会"}
    )
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (
        409,
        "member_group_name_taken",
    )
    assigned = post_json(
        client,
        f"{API}/groups/{group_id}/members",
        {"member_ids": [members["college"].pk, members["club"].pk, members["regional"].pk]},
    )
    # Only the group's own organization's member joins it.
    assert assigned.json() == {"count": 1}
    listed = client.get(f"{API}/organizations/{org_tree.college.pk}/groups").json()
    assert listed == [
        {
            "id": group_id,
            "organization_id": org_tree.college.pk,
            "name": "理事会",
            "description": "",
            "member_count": 1,
        }
    ]
    taken_out = post_json(
        client,
        f"{API}/groups/{group_id}/members",
        {"member_ids": [members["college"].pk], "remove": True},
    )
    assert taken_out.json() == {"count": 1}
    client.force_login(regional_admin)
    assert client.get(f"{API}/organizations/{org_tree.college.pk}/groups").status_code == 404
    assert (
        post_json(client, f"{API}/groups/{group_id}/members", {"member_ids": []}).status_code == 404
    )
