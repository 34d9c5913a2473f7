from __future__ import annotations

import pytest

from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.selectors import alumni_records_for
from xiaoyou.core import policy

pytestmark = pytest.mark.django_db


def test_records_are_seen_and_changed_by_admins_of_their_org(
    org_tree, platform_admin, college_admin, regional_admin, verified_alumnus
):
    kept_by_root = AlumniRecordFactory(org=org_tree.root, name="王伟")
    kept_by_college = AlumniRecordFactory(org=org_tree.college, name="李娜")

    assert list(alumni_records_for(platform_admin).order_by("name")) == [
        kept_by_college,
        kept_by_root,
    ]
    assert list(alumni_records_for(college_admin)) == [kept_by_college]
    assert list(alumni_records_for(regional_admin)) == []
    # Members do not see personal data of other alumni through the records.
    assert list(alumni_records_for(verified_alumnus)) == []

    assert policy.can(college_admin, "change", kept_by_college)
    assert not policy.can(college_admin, "change", kept_by_root)
    assert not policy.can(regional_admin, "view", kept_by_college)
    assert policy.can(platform_admin, "change", kept_by_root)


def test_factory_builds_consistent_records():
    record = AlumniRecordFactory()
    assert record.major.department_id == record.department_id
    assert str(record) == record.name
