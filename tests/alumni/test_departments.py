from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import activate

from tests.factories import AlumniRecordFactory, DepartmentFactory
from xiaoyou.alumni.models import AlumniRecord, DepartmentAlias
from xiaoyou.alumni.services.departments import (
    department_create,
    department_ids_named,
    department_link_org,
    department_merge,
    department_rename,
    department_set_active,
    department_successor,
    records_in_departments_named,
)
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    activate("en")


def test_tree_create_and_only_platform_admins(org_tree, platform_admin, college_admin):
    school = department_create(actor=platform_admin, name="示范大学", code="S", kind="school")
    college = department_create(
        actor=platform_admin,
        name="计算机学院",
        code="CS",
        kind="college",
        parent=school,
        org=org_tree.college,
    )
    assert college.parent == school and college.org == org_tree.college
    with pytest.raises(PermissionDenied):
        department_create(actor=college_admin, name="x", code="X", kind="college")
    with pytest.raises(ValidationError) as error:
        department_create(actor=platform_admin, name="  ", code="Y", kind="college")
    assert error.value.message_dict == {"name": ["This field is required."]}
    assert AuditEntry.objects.filter(action="department.create").count() == 2


def test_rename_keeps_old_name_searchable(org_tree, platform_admin):
    dept = DepartmentFactory(name="计算机系")
    record = AlumniRecordFactory(org=org_tree.root, department=dept)
    AlumniRecordFactory(org=org_tree.root, department=DepartmentFactory(name="数学系"))
    department_rename(
        actor=platform_admin, department=dept, name="计算机科学与技术学院", until_year=2001
    )
    alias = DepartmentAlias.objects.get(department=dept)
    assert (alias.name, alias.used_until) == ("计算机系", 2001)
    assert list(records_in_departments_named(AlumniRecord.objects.all(), "计算机系")) == [record]
    assert list(records_in_departments_named(AlumniRecord.objects.all(), "科学与技术")) == [record]
    entry = AuditEntry.objects.get(action="department.rename")
    assert entry.changes == {"name": ["计算机系", "计算机科学与技术学院"]}


def test_merge_shows_records_under_successor(org_tree, platform_admin):
    old = DepartmentFactory(name="无线电系")
    new = DepartmentFactory(name="电子工程学院")
    sub = DepartmentFactory(name="通信教研室", parent=old, kind="department")
    on_old = AlumniRecordFactory(org=org_tree.root, department=old)
    on_sub = AlumniRecordFactory(org=org_tree.root, department=sub)
    department_merge(actor=platform_admin, department=old, into=new)
    old.refresh_from_db()
    assert old.merged_into == new and not old.is_active
    assert department_successor(old) == new
    # The successor's records include the merged unit's (and its sub-units').
    assert department_ids_named("电子工程") == {new.pk, old.pk, sub.pk}
    assert set(records_in_departments_named(AlumniRecord.objects.all(), "无线电")) == {
        on_old,
        on_sub,
    }
    with pytest.raises(ValidationError):
        department_merge(actor=platform_admin, department=new, into=new)
    with pytest.raises(ValidationError):
        department_set_active(actor=platform_admin, department=old, active=True)


def test_deactivate_and_link_org(org_tree, platform_admin):
    dept = DepartmentFactory(name="历史系")
    department_set_active(actor=platform_admin, department=dept, active=False)
    assert not dept.is_active
    with pytest.raises(ValidationError):
        department_create(
            actor=platform_admin, name="史学", code="H1", kind="department", parent=dept
        )
    department_set_active(actor=platform_admin, department=dept, active=True)
    department_link_org(actor=platform_admin, department=dept, org=org_tree.other_college)
    dept.refresh_from_db()
    assert dept.org == org_tree.other_college
