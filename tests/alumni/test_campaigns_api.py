"""API of information campaigns: create, list, detail with progress, responses, close/reopen."""

from __future__ import annotations

import pytest

from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from xiaoyou.alumni.models import CollectionCampaign
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.services.campaign_answers import response_submit

pytestmark = pytest.mark.django_db


def _payload(org, department, **extra):
    return {
        "org_id": org.pk,
        "title": "计算机051",
        "audience": {"graduation_year": 2009, "department": department.pk},
        "fields": ["city", "custom:nothing", "national_id"],
        **extra,
    }


def test_create_list_detail_responses_and_close(client, org_tree, college_admin):
    computing = DepartmentFactory(name="计算机学院", org=org_tree.college)
    pinyin, initials = name_keys("赵一")
    AlumniRecordFactory(
        org=org_tree.root,
        name="赵一",
        name_pinyin=pinyin,
        name_initials=initials,
        student_id="C05001",
        department=computing,
        graduation_year=2009,
        class_name="计算机051",
    )
    liaison = UserFactory()
    client.force_login(college_admin)
    created = client.post(
        "/api/v1/alumni/campaigns",
        _payload(org_tree.college, computing, liaison_ids=[liaison.pk]),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    campaign = CollectionCampaign.objects.get()
    # Fields outside the fixed list and unknown custom fields are dropped.
    assert body["fields"] == ["city"]
    assert body["url"].endswith(f"/c/{campaign.code}/")
    assert body["liaison_ids"] == [liaison.pk] and body["is_open"] is True
    assert body["progress"]["audience"] == 1 and body["progress"]["answered"] == 0

    response_submit(
        campaign=campaign,
        user=None,
        identity={"name": "赵一", "student_id": "C05001"},
        answers={"city": "杭州"},
    )
    listed = client.get("/api/v1/alumni/campaigns").json()
    assert [item["id"] for item in listed] == [campaign.pk]
    detail = client.get(f"/api/v1/alumni/campaigns/{campaign.pk}").json()
    assert detail["progress"]["answered"] == 1
    assert detail["progress"]["by_status"]["applied"] == 1
    assert detail["progress"]["classes"] == [{"class_name": "计算机051", "total": 1, "answered": 1}]
    responses = client.get(f"/api/v1/alumni/campaigns/{campaign.pk}/responses").json()
    assert [(r["status"], r["answers"]["fields"]) for r in responses] == [
        ("applied", {"city": "杭州"})
    ]
    assert (
        client.get(
            f"/api/v1/alumni/campaigns/{campaign.pk}/responses", {"status": "conflict"}
        ).json()
        == []
    )

    closed = client.post(
        f"/api/v1/alumni/campaigns/{campaign.pk}/close", {}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    reopened = client.post(
        f"/api/v1/alumni/campaigns/{campaign.pk}/close",
        {"is_open": True},
        content_type="application/json",
    )
    assert reopened.json()["is_open"] is True


def test_other_admins_cannot_create_or_see(client, org_tree, regional_admin, college_admin):
    computing = DepartmentFactory(org=org_tree.college)
    client.force_login(regional_admin)
    refused = client.post(
        "/api/v1/alumni/campaigns",
        _payload(org_tree.college, computing),
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(college_admin)
    client.post(
        "/api/v1/alumni/campaigns",
        _payload(org_tree.college, computing),
        content_type="application/json",
    )
    client.force_login(regional_admin)
    assert client.get("/api/v1/alumni/campaigns").json() == []


def test_no_field_is_a_400(client, org_tree, college_admin):
    computing = DepartmentFactory(org=org_tree.college)
    client.force_login(college_admin)
    response = client.post(
        "/api/v1/alumni/campaigns",
        {**_payload(org_tree.college, computing), "fields": ["national_id"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "campaign_no_fields"
