"""match_record_for_user: exact, unambiguous matches only (a person otherwise goes to review)."""

from __future__ import annotations

import pytest

from tests.factories import AlumniRecordFactory, OrganizationFactory, UserFactory
from xiaoyou.alumni.selectors import match_record_for_user
from xiaoyou.organizations.models import OrganizationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return OrganizationFactory(name="总会", kind=OrganizationKind.MAIN)


def test_the_record_linked_to_the_account_wins(root):
    user = UserFactory(display_name="张三")
    linked = AlumniRecordFactory(org=root, user=user, name="张三")
    AlumniRecordFactory(org=root, name="张三", student_id="S1")
    assert match_record_for_user(user, {"name": "张三", "student_id": "S1"}) == linked


def test_a_verified_phone_matches_one_record_in_either_form(root):
    user = UserFactory(phone="+8613900000001", phone_verified=True)
    record = AlumniRecordFactory(org=root, phone="13900000001")
    assert match_record_for_user(user, {}) == record


def test_an_unverified_phone_proves_nothing(root):
    user = UserFactory(phone="+8613900000002", phone_verified=False)
    AlumniRecordFactory(org=root, phone="+8613900000002")
    assert match_record_for_user(user, {}) is None


def test_two_records_with_the_phone_are_ambiguous(root):
    user = UserFactory(phone="+8613900000003", phone_verified=True, display_name="无名")
    AlumniRecordFactory(org=root, phone="+8613900000003")
    AlumniRecordFactory(org=root, phone="+8613900000003")
    assert match_record_for_user(user, {}) is None


def test_name_and_student_number(root):
    user = UserFactory(display_name="账户名")
    record = AlumniRecordFactory(org=root, name="王芳", student_id="20080101")
    AlumniRecordFactory(org=root, name="王芳", student_id="20080102")
    assert match_record_for_user(user, {"name": "王芳", "student_id": "20080101"}) == record
    assert match_record_for_user(user, {"name": "王芳", "student_id": "20089999"}) is None
    # The name must be the record's exactly.
    assert match_record_for_user(user, {"name": "王 芳", "student_id": "20080101"}) is None


def test_name_and_graduation_year_only_when_unique(root):
    user = UserFactory(display_name="刘洋")
    record = AlumniRecordFactory(org=root, name="刘洋", graduation_year=2010)
    AlumniRecordFactory(org=root, name="刘洋", graduation_year=2011)
    AlumniRecordFactory(org=root, name="刘洋", graduation_year=2011)
    # The account's name stands in when the answers have none.
    assert match_record_for_user(user, {"graduation_year": 2010}) == record
    assert match_record_for_user(user, {"graduation_year": "2011"}) is None
    assert match_record_for_user(user, {"graduation_year": "二〇一〇"}) is None


def test_a_record_linked_to_someone_else_never_matches(root):
    owner = UserFactory()
    AlumniRecordFactory(org=root, name="陈静", student_id="S9", user=owner)
    someone = UserFactory(display_name="陈静")
    assert match_record_for_user(someone, {"student_id": "S9"}) is None


def test_nothing_to_go_on(root):
    user = UserFactory(display_name="", phone=None)
    AlumniRecordFactory(org=root, name="某人", graduation_year=2000)
    assert match_record_for_user(user, {}) is None
    assert match_record_for_user(user, {"name": "", "graduation_year": 2000}) is None
