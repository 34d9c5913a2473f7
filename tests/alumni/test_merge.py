"""合并重复档案: field-by-field choice, every value kept in history, related rows move,
scope, restore, dismiss."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import activate

from tests.factories import (
    AlumniRecordFactory,
    DepartmentFactory,
    DuplicateCandidateFactory,
    MembershipFactory,
    RecordClaimFactory,
    TagFactory,
    UserFactory,
)
from tests.organizations.org_support import console_login
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactPoint,
    DegreeEntry,
    DuplicateCandidate,
    DuplicateStatus,
    RecordChange,
)
from xiaoyou.alumni.services.merge import duplicate_dismiss, record_merge_undo, records_merge
from xiaoyou.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    activate("en")


@pytest.fixture
def pair(org_tree):
    keep = AlumniRecordFactory(
        org=org_tree.root,
        name="张伟",
        student_id="S1",
        phone="13900000001",
        employer="甲公司",
        city="",
        birth_date=datetime.date(1985, 6, 1),
        custom_data={"hobby": "篮球"},
    )
    other = AlumniRecordFactory(
        org=org_tree.root,
        name="張偉",
        student_id="S2",
        phone="13900000002",
        employer="乙公司",
        city="上海",
        birth_date=datetime.date(1985, 6, 1),
        custom_data={"hobby": "足球", "pet": "猫"},
    )
    return keep, other


def test_merge_takes_the_chosen_values_and_keeps_all_in_history(pair, platform_admin):
    keep, other = pair
    records_merge(
        actor=platform_admin,
        keep=keep,
        other=other,
        choices={"phone": "other", "city": "other", "student_id": "other"},
    )
    keep.refresh_from_db()
    other.refresh_from_db()
    assert (keep.name, keep.phone, keep.employer, keep.city, keep.student_id) == (
        "张伟",
        "13900000002",
        "甲公司",
        "上海",
        "S2",
    )
    assert keep.custom_data == {"hobby": "篮球", "pet": "猫"}
    assert other.deleted_at is not None
    assert other.merged_into == keep
    assert other.student_id == ""
    history = {
        change.field: (change.old_value, change.new_value)
        for change in RecordChange.objects.filter(record=keep)
    }
    assert history["phone"] == (
        {"kept": "13900000001", "merged": "13900000002", "record": other.pk},
        "13900000002",
    )
    assert history["employer"] == (
        {"kept": "甲公司", "merged": "乙公司", "record": other.pk},
        "甲公司",
    )
    assert history["name"] == ({"kept": "张伟", "merged": "張偉", "record": other.pk}, "张伟")
    assert history["student_id"] == ({"kept": "S1", "merged": "S2", "record": other.pk}, "S2")
    assert history["merged_from"] == (None, other.pk)
    assert "birth_date" not in history  # the same on both
    assert set(RecordChange.objects.filter(record=other).values_list("field", flat=True)) == {
        "merged_into",
        "deleted",
    }
    assert all(change.source == "admin" for change in RecordChange.objects.all())


def test_merge_moves_related_rows(pair, platform_admin, org_tree):
    keep, other = pair
    DegreeEntry.objects.create(record=other, level="master", enrollment_year=2008, is_primary=True)
    DegreeEntry.objects.create(record=keep, level="bachelor", enrollment_year=2004, is_primary=True)
    ContactPoint.objects.create(record=other, kind="phone", value="13900000002", source="admin")
    ContactPoint.objects.create(record=other, kind="email", value="z@example.com", source="admin")
    ContactPoint.objects.create(record=keep, kind="email", value="z@example.com", source="admin")
    tag = TagFactory(name="理事")
    other.tags.add(tag)
    membership = MembershipFactory(org=org_tree.college, alumni_record=other)
    claim = RecordClaimFactory(record=other)
    owner = UserFactory()
    other.user = owner
    other.save(update_fields=["user"])

    records_merge(actor=platform_admin, keep=keep, other=other, choices={})
    keep.refresh_from_db()
    assert sorted(keep.degrees.values_list("level", "is_primary")) == [
        ("bachelor", True),
        ("master", False),
    ]
    assert sorted(keep.contacts.values_list("kind", "value")) == [
        ("email", "z@example.com"),
        ("phone", "13900000002"),
    ]
    assert list(keep.tags.all()) == [tag]
    membership.refresh_from_db()
    claim.refresh_from_db()
    assert membership.alumni_record == keep
    assert claim.record == keep
    assert keep.user == owner
    assert AlumniRecord.objects.get(pk=other.pk).user is None


def test_candidate_marked_merged_and_dismiss(pair, platform_admin, org_tree):
    keep, other = pair
    candidate = DuplicateCandidateFactory(first=keep, second=other)
    records_merge(actor=platform_admin, keep=keep, other=other, choices={})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.MERGED

    first = AlumniRecordFactory(org=org_tree.root)
    second = AlumniRecordFactory(org=org_tree.root)
    open_pair = DuplicateCandidateFactory(first=first, second=second)
    duplicate_dismiss(actor=platform_admin, candidate=open_pair)
    open_pair.refresh_from_db()
    assert open_pair.status == DuplicateStatus.DISMISSED
    with pytest.raises(ApplicationError) as error:
        duplicate_dismiss(actor=platform_admin, candidate=open_pair)
    assert error.value.code == "candidate_decided"


def test_restore_brings_the_merged_record_back(pair, platform_admin):
    keep, other = pair
    records_merge(actor=platform_admin, keep=keep, other=other, choices={})
    record_merge_undo(actor=platform_admin, record=other)
    other.refresh_from_db()
    assert (other.deleted_at, other.merged_into, other.name, other.student_id) == (
        None,
        None,
        "張偉",
        "S2",
    )
    with pytest.raises(ApplicationError) as error:
        record_merge_undo(actor=platform_admin, record=other)
    assert error.value.code == "restore_not_deleted"


def test_an_admin_cannot_merge_records_outside_their_scope(pair, college_admin, org_tree):
    keep, other = pair
    with pytest.raises(PermissionDenied):
        records_merge(actor=college_admin, keep=keep, other=other, choices={})
    other.refresh_from_db()
    assert other.deleted_at is None
    assert RecordChange.objects.count() == 0


def test_refusals(pair, platform_admin):
    keep, other = pair
    with pytest.raises(ApplicationError) as error:
        records_merge(actor=platform_admin, keep=keep, other=keep, choices={})
    assert error.value.code == "merge_same_record"
    with pytest.raises(ApplicationError) as error:
        records_merge(actor=platform_admin, keep=keep, other=other, choices={"user": "other"})
    assert error.value.code == "merge_bad_choice"
    keep.user, other.user = UserFactory(), UserFactory()
    keep.save(update_fields=["user"])
    other.save(update_fields=["user"])
    with pytest.raises(ApplicationError) as error:
        records_merge(actor=platform_admin, keep=keep, other=other, choices={})
    assert error.value.code == "merge_two_accounts"


def test_merge_page(client, pair, platform_admin):
    keep, other = pair
    candidate = DuplicateCandidateFactory(first=keep, second=other, reasons=["phone"])
    console_login(client, platform_admin)
    url = reverse("console:alumni_duplicate_merge", args=[candidate.pk])
    page = client.get(url).content.decode()
    assert 'name="choice_phone"' in page
    assert 'name="choice_birth_date"' not in page  # equal values need no choice
    response = client.post(
        url, {"keep": "first", "choice_phone": "other", "choice_employer": "keep"}
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.phone == "13900000002"
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    merged = client.get(reverse("console:alumni_merged_records")).content.decode()
    assert f'data-record="{other.pk}"' in merged


def test_merge_page_outside_the_scope_is_not_found(client, pair, college_admin):
    keep, other = pair
    candidate = DuplicateCandidateFactory(first=keep, second=other)
    console_login(client, college_admin)
    url = reverse("console:alumni_duplicate_merge", args=[candidate.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("console:alumni_duplicate_dismiss", args=[candidate.pk])).status_code
        == 404
    )


def test_a_college_admin_merges_the_records_of_their_college(org_tree, college_admin):
    department = DepartmentFactory(org=org_tree.college)
    keep = AlumniRecordFactory(org=org_tree.root, department=department, major=None)
    other = AlumniRecordFactory(org=org_tree.root, department=department, major=None)
    records_merge(actor=college_admin, keep=keep, other=other, choices={})
    other.refresh_from_db()
    assert other.merged_into == keep
