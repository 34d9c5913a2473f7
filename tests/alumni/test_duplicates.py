"""疑似重复: exact keys, similar names within a block, no pair for namesakes, the job."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import activate, gettext

from tests.factories import AlumniRecordFactory, DepartmentFactory, DuplicateCandidateFactory
from tests.organizations.org_support import console_login
from xiaoyou.alumni.duplicates import (
    FIND_DUPLICATES_JOB,
    candidates_visible_to,
    duplicates_find,
)
from xiaoyou.alumni.models import DuplicateCandidate, DuplicateStatus
from xiaoyou.alumni.names import name_keys
from xiaoyou.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 6, 1)


@pytest.fixture(autouse=True)
def english():
    activate("en")


def _record(org, name, **fields):
    pinyin, initials = name_keys(name)
    fields.setdefault("student_id", "")
    fields.setdefault("enrollment_year", None)
    return AlumniRecordFactory(
        org=org, name=name, name_pinyin=pinyin, name_initials=initials, **fields
    )


def _pairs():
    return {
        (candidate.first_id, candidate.second_id): (candidate.score, candidate.reasons)
        for candidate in DuplicateCandidate.objects.all()
    }


def test_same_phone_and_name(org_tree):
    first = _record(org_tree.root, "王强", phone="13900000001")
    second = _record(org_tree.root, "王强", phone="13900000001")
    _record(org_tree.root, "王强", phone="13900000002")
    summary = duplicates_find()
    assert _pairs() == {(first.pk, second.pk): (95, ["phone"])}
    assert summary.created == 1


def test_same_phone_different_names_scores_lower(org_tree):
    first = _record(org_tree.root, "王强", phone="13900000003")
    second = _record(org_tree.root, "李娜", phone="13900000003")
    duplicates_find()
    assert _pairs() == {(first.pk, second.pk): (70, ["phone"])}


def test_same_email_and_id_number(org_tree):
    first = _record(org_tree.root, "赵六", email="zl@example.com", national_id_hash="h1")
    second = _record(org_tree.root, "赵陆", email="zl@example.com", national_id_hash="h1")
    duplicates_find()
    assert _pairs() == {(first.pk, second.pk): (100, ["national_id", "email"])}


def test_traditional_and_simplified_name_with_same_birth_date(org_tree):
    first = _record(org_tree.root, "张伟", birth_date=BIRTH)
    second = _record(org_tree.root, "張偉", birth_date=BIRTH)
    duplicates_find()
    assert _pairs() == {(first.pk, second.pk): (88, ["name_variant+birth_date"])}


def test_homophone_and_similar_pinyin_with_same_birth_date(org_tree):
    first = _record(org_tree.root, "刘洋", birth_date=BIRTH)
    second = _record(org_tree.root, "柳阳", birth_date=BIRTH)
    third = _record(org_tree.root, "刘阳阳", birth_date=BIRTH)
    duplicates_find()
    pairs = _pairs()
    assert pairs[(first.pk, second.pk)] == (80, ["same_pinyin+birth_date"])
    # liuyang / liuyangyang: ratio 80, below the similarity threshold.
    assert (first.pk, third.pk) not in pairs


def test_same_name_in_the_same_degree_entry(org_tree):
    department = DepartmentFactory()
    first = _record(org_tree.root, "陈晨", department=department, enrollment_year=2008)
    second = _record(org_tree.root, "陈晨", department=department, enrollment_year=2008)
    _record(org_tree.root, "陈晨", department=department, enrollment_year=2009)
    duplicates_find()
    assert _pairs() == {(first.pk, second.pk): (80, ["same_name+degree"])}


def test_no_pair_for_namesakes_with_different_birth_dates(org_tree):
    department = DepartmentFactory()
    _record(org_tree.root, "张伟", birth_date=BIRTH, department=department, enrollment_year=2008)
    _record(
        org_tree.root,
        "张伟",
        birth_date=datetime.date(1986, 2, 3),
        department=department,
        enrollment_year=2008,
    )
    _record(org_tree.root, "张伟", birth_date=datetime.date(1990, 1, 1))
    summary = duplicates_find()
    assert _pairs() == {}
    assert summary.pairs == 0


def test_decided_pairs_keep_their_decision_and_deleted_records_are_skipped(org_tree):
    first = _record(org_tree.root, "周周", phone="13900000009")
    second = _record(org_tree.root, "周周", phone="13900000009")
    DuplicateCandidateFactory(first=first, second=second, status=DuplicateStatus.DISMISSED)
    third = _record(org_tree.root, "周周", phone="13900000009")
    third.deleted_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    third.save(update_fields=["deleted_at"])
    summary = duplicates_find()
    assert summary.created == 0
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.DISMISSED


def test_scope_of_the_candidate_list(org_tree, college_admin, platform_admin):
    first = _record(org_tree.root, "王强", phone="13900000001")
    second = _record(org_tree.root, "王强", phone="13900000001")
    duplicates_find()
    assert list(candidates_visible_to(platform_admin).values_list("first", "second")) == [
        (first.pk, second.pk)
    ]
    assert list(candidates_visible_to(college_admin)) == []


def test_detection_job_from_the_console(
    client, org_tree, platform_admin, django_capture_on_commit_callbacks
):
    first = _record(org_tree.root, "王强", phone="13900000001")
    second = _record(org_tree.root, "王强", phone="13900000001")
    console_login(client, platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:alumni_duplicates_run"))
    assert response.status_code == 302
    job = Job.objects.get(kind=FIND_DUPLICATES_JOB)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["pairs"] == 1
    assert (job.done, job.total) == (job.total, 4)
    page = client.get(reverse("console:alumni_duplicates")).content.decode()
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.first_id, candidate.second_id) == (first.pk, second.pk)
    assert f'data-candidate="{candidate.pk}"' in page
    assert gettext("Same mobile phone") in page


def test_the_list_does_not_grow_queries_with_rows(
    client, org_tree, platform_admin, django_assert_max_num_queries
):
    for index in range(5):
        _record(org_tree.root, "王强", phone=f"1390000010{index}")
        _record(org_tree.root, "王强", phone=f"1390000010{index}")
    duplicates_find()
    console_login(client, platform_admin)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("console:alumni_duplicates"))
    assert response.content.decode().count("data-candidate=") == 5
