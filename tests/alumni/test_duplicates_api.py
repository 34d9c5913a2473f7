"""Duplicates API (疑似重复): the candidate list in scope, the detection job and its status, one
pair side by side, merge with field-by-field choice, dismiss, merged records and restore."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import translation

from tests.factories import AlumniRecordFactory, DepartmentFactory, DuplicateCandidateFactory
from xiaoyou.alumni.duplicates import FIND_DUPLICATES_JOB
from xiaoyou.alumni.models import AlumniRecord, DuplicateStatus, RecordChange
from xiaoyou.core.models import AuditEntry, Job, JobStatus

pytestmark = pytest.mark.django_db
BASE = "/api/v1/alumni/duplicates"
BIRTH = datetime.date(1985, 6, 1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def pair(org_tree):
    first = AlumniRecordFactory(
        org=org_tree.root,
        name="张伟",
        student_id="S1",
        phone="13900000001",
        employer="甲公司",
        city="",
        birth_date=BIRTH,
        custom_data={"hobby": "篮球"},
    )
    second = AlumniRecordFactory(
        org=org_tree.root,
        name="張偉",
        student_id="S2",
        phone="13900000001",
        employer="乙公司",
        city="上海",
        birth_date=BIRTH,
        custom_data={"pet": "猫"},
    )
    candidate = DuplicateCandidateFactory(
        first=first, second=second, score=98, reasons=["phone", "name_variant+birth_date"]
    )
    return first, second, candidate


def test_list_in_scope_with_reasons_score_and_pages(client, org_tree, pair, platform_admin):
    first, _second, candidate = pair
    weaker = DuplicateCandidateFactory(
        first=AlumniRecordFactory(org=org_tree.root),
        second=AlumniRecordFactory(org=org_tree.root),
        score=60,
    )
    client.force_login(platform_admin)
    body = client.get(BASE).json()
    assert (body["count"], body["page"]) == (2, 1)
    top = body["items"][0]
    assert (top["id"], top["score"], top["status"]) == (candidate.pk, 98, "open")
    assert top["reasons"] == ["phone", "name_variant+birth_date"]
    assert top["reason_labels"] == [
        "Same mobile phone",
        "traditional/simplified name + same date of birth",
    ]
    assert (top["first"]["id"], top["second"]["name"]) == (first.pk, "張偉")
    assert top["first"]["birth_date"] == "1985-06-01"
    paged = client.get(BASE, {"page": 2, "page_size": 1}).json()
    assert [item["id"] for item in paged["items"]] == [weaker.pk]
    assert [item["id"] for item in client.get(BASE, {"min_score": 90}).json()["items"]] == [
        candidate.pk
    ]
    assert client.get(BASE, {"status": "dismissed"}).json()["count"] == 0


def test_list_keeps_the_admins_scope(client, org_tree, pair, college_admin, regional_admin):
    department = DepartmentFactory(org=org_tree.college)
    mine = DuplicateCandidateFactory(
        first=AlumniRecordFactory(org=org_tree.root, department=department),
        second=AlumniRecordFactory(org=org_tree.root, department=department),
    )
    client.force_login(college_admin)
    assert [item["id"] for item in client.get(BASE).json()["items"]] == [mine.pk]
    client.force_login(regional_admin)
    assert client.get(BASE).json()["items"] == []
    assert client.get(f"{BASE}/{mine.pk}").status_code == 404


def test_the_list_does_not_grow_queries_with_rows(
    client, org_tree, platform_admin, django_assert_max_num_queries
):
    for _index in range(6):
        DuplicateCandidateFactory(
            first=AlumniRecordFactory(org=org_tree.root),
            second=AlumniRecordFactory(org=org_tree.root),
        )
    client.force_login(platform_admin)
    client.get(BASE)
    with django_assert_max_num_queries(8):
        assert len(client.get(BASE).json()["items"]) == 6


def test_one_pair_side_by_side(client, pair, platform_admin):
    first, _second, candidate = pair
    client.force_login(platform_admin)
    body = client.get(f"{BASE}/{candidate.pk}").json()
    rows = {row["field"]: row for row in body["fields"]}
    assert (rows["name"]["first"], rows["name"]["second"], rows["name"]["differs"]) == (
        "张伟",
        "張偉",
        True,
    )
    assert rows["phone"]["differs"] is False
    assert rows["city"]["suggested"] == "second"  # the first's city is empty
    assert rows["employer"]["suggested"] == "first"
    assert rows["department"]["first"] == first.department.name
    assert rows["birth_date"]["first"] == "1985-06-01"
    assert rows["name"]["label"]
    assert body["first_custom_data"] == {"hobby": "篮球"}
    assert body["second_custom_data"] == {"pet": "猫"}


def test_merge_with_field_choices_keeps_history_and_audits(client, pair, platform_admin):
    first, second, candidate = pair
    client.force_login(platform_admin)
    response = post(
        client,
        f"{BASE}/{candidate.pk}/merge",
        {"keep": second.pk, "choices": {"name": "other", "city": "keep", "student_id": "other"}},
    )
    assert response.status_code == 200, response.content
    kept = response.json()
    assert (kept["id"], kept["name"], kept["city"], kept["student_id"]) == (
        second.pk,
        "张伟",  # the other's name, chosen
        "上海",
        "S1",
    )
    assert kept["custom_data"] == {"pet": "猫", "hobby": "篮球"}
    merged = AlumniRecord.objects.get(pk=first.pk)
    assert merged.merged_into_id == second.pk and merged.deleted_at is not None
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.MERGED
    employer = RecordChange.objects.get(record=second, field="employer")
    assert employer.old_value == {"kept": "乙公司", "merged": "甲公司", "record": first.pk}
    assert AuditEntry.objects.filter(action="alumni.record.merge", actor=platform_admin).exists()
    # The pair is decided: merging again finds no open pair.
    assert post(client, f"{BASE}/{candidate.pk}/merge").status_code == 404


def test_merge_defaults_to_keeping_the_first(client, pair, platform_admin):
    first, _second, candidate = pair
    client.force_login(platform_admin)
    response = post(client, f"{BASE}/{candidate.pk}/merge")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["name"]) == (first.pk, "张伟")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"keep": 999_999}, ["body", "keep"]),
        ({"choices": {"password": "other"}}, ["body", "choices", "password"]),
        ({"choices": {"name": "both"}}, None),
    ],
)
def test_merge_refuses_bad_input(client, pair, platform_admin, body, loc):
    _first, _second, candidate = pair
    client.force_login(platform_admin)
    response = post(client, f"{BASE}/{candidate.pk}/merge", body)
    assert response.status_code == 422
    if loc:
        assert [detail["loc"] for detail in response.json()["error"]["details"]] == [loc]
    assert AlumniRecord.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_of_two_accounts_is_a_conflict(client, pair, platform_admin):
    from tests.factories import UserFactory

    first, second, candidate = pair
    AlumniRecord.objects.filter(pk=first.pk).update(user=UserFactory())
    AlumniRecord.objects.filter(pk=second.pk).update(user=UserFactory())
    client.force_login(platform_admin)
    response = post(client, f"{BASE}/{candidate.pk}/merge")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "merge_two_accounts"


def test_dismiss(client, pair, platform_admin):
    _first, _second, candidate = pair
    client.force_login(platform_admin)
    response = post(client, f"{BASE}/{candidate.pk}/dismiss")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert client.get(BASE).json()["count"] == 0
    assert client.get(BASE, {"status": "dismissed"}).json()["items"][0]["id"] == candidate.pk
    assert AuditEntry.objects.filter(action="alumni.duplicate.dismiss").exists()
    assert post(client, f"{BASE}/{candidate.pk}/dismiss").status_code == 404


def test_merged_records_and_restore(client, pair, platform_admin):
    first, second, candidate = pair
    client.force_login(platform_admin)
    post(client, f"{BASE}/{candidate.pk}/merge")
    listed = client.get("/api/v1/alumni/merged-records").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["merged_into_id"], item["merged_into_name"]) == (
        second.pk,
        first.pk,
        "张伟",
    )
    assert item["merged_at"]
    restored = post(client, f"/api/v1/alumni/merged-records/{second.pk}/restore")
    assert restored.status_code == 200
    assert (restored.json()["id"], restored.json()["deleted"]) == (second.pk, False)
    assert AlumniRecord.objects.get(pk=second.pk).merged_into_id is None
    assert AuditEntry.objects.filter(action="alumni.record.restore").exists()
    assert client.get("/api/v1/alumni/merged-records").json()["count"] == 0
    # Only merged records: a live one (or an ordinary deleted one) is not found here.
    assert post(client, f"/api/v1/alumni/merged-records/{first.pk}/restore").status_code == 404


def test_the_detection_job_and_its_status(
    client, org_tree, platform_admin, django_capture_on_commit_callbacks
):
    AlumniRecordFactory(org=org_tree.root, name="王强", phone="13900000009")
    AlumniRecordFactory(org=org_tree.root, name="王强", phone="13900000009")
    client.force_login(platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"{BASE}/detect")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.org, job.created_by) == (
        FIND_DUPLICATES_JOB,
        org_tree.root,
        platform_admin,
    )
    status = client.get(f"{BASE}/jobs/{job_id}").json()
    assert (status["status"], status["result"]["pairs"]) == (JobStatus.SUCCEEDED, 1)
    assert client.get(BASE).json()["count"] == 1


def test_detection_for_a_college_admin_and_refusals(
    client, org_tree, college_admin, regional_admin, unverified_user
):
    client.force_login(college_admin)
    started = post(client, f"{BASE}/detect")
    assert started.status_code == 202
    assert Job.objects.get(pk=started.json()["id"]).org == org_tree.college
    # Not an organization they administer.
    assert post(client, f"{BASE}/detect", {"org_id": org_tree.regional.pk}).status_code == 403
    # Another admin does not see the job; people without a role may not start one.
    client.force_login(regional_admin)
    assert client.get(f"{BASE}/jobs/{started.json()['id']}").status_code == 404
    client.force_login(unverified_user)
    assert post(client, f"{BASE}/detect").status_code == 403
    assert client.get(BASE).json()["items"] == []
    other_job = Job.objects.create(kind="audit.verify", org=org_tree.college)
    client.force_login(college_admin)
    assert client.get(f"{BASE}/jobs/{other_job.pk}").status_code == 404


def test_signed_out_callers_are_refused(client, pair):
    _first, _second, candidate = pair
    assert client.get(BASE).status_code == 401
    assert post(client, f"{BASE}/{candidate.pk}/merge").status_code == 401
