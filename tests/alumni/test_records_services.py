from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import activate

from tests.factories import (
    AlumniRecordFactory,
    CustomFieldFactory,
    DepartmentFactory,
    MajorFactory,
)
from xiaoyou.alumni.models import AlumniRecord, ContactPoint, RecordChange
from xiaoyou.alumni.policy import record_can, record_scope
from xiaoyou.alumni.services.records import (
    record_create,
    record_restore,
    record_set_key_alumnus,
    record_set_status,
    record_soft_delete,
    record_tags_add,
    record_tags_remove,
    record_update,
)
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    activate("en")


def _history(record):
    return [
        (c.field, c.old_value, c.new_value, c.source, c.actor_id)
        for c in RecordChange.objects.filter(record=record).order_by("id")
    ]


def test_create_with_degrees_mirrors_primary_and_writes_history(org_tree, platform_admin):
    cs = DepartmentFactory(name="计算机学院")
    se = MajorFactory(department=cs, name="软件工程")
    record = record_create(
        actor=platform_admin,
        org=org_tree.root,
        data={"name": "张三丰", "phone": "13800000001", "email": "z@example.com"},
        degrees=[
            {
                "level": "bachelor",
                "department": cs,
                "major": se,
                "enrollment_year": 2001,
                "graduation_year": 2005,
                "student_id": "2001001",
            },
            {
                "level": "master",
                "department": cs,
                "enrollment_year": 2005,
                "graduation_year": 2008,
                "is_primary": True,
                "class_name": "硕05",
            },
        ],
        tags=["理事", "理事", " 杰出校友 "],
    )
    record.refresh_from_db()
    assert (record.name_pinyin, record.name_initials) == ("zhangsanfeng", "zsf")
    assert record.degree_level == "master"
    assert record.department == cs and record.major is None
    assert (record.enrollment_year, record.graduation_year, record.class_name) == (
        2005,
        2008,
        "硕05",
    )
    assert list(record.degrees.order_by("id").values_list("level", "is_primary")) == [
        ("bachelor", False),
        ("master", True),
    ]
    assert sorted(record.tags.values_list("name", flat=True)) == ["杰出校友", "理事"]
    assert list(record.contacts.order_by("kind").values_list("kind", "value", "is_current")) == [
        ("email", "z@example.com", True),
        ("phone", "13800000001", True),
    ]
    fields = [row[0] for row in _history(record)]
    assert fields[0] == "created"
    assert {"phone", "email", "degrees", "degree_level", "department", "tags"} <= set(fields)
    created = RecordChange.objects.get(record=record, field="created")
    assert (created.source, created.actor_id, created.new_value) == (
        "admin",
        platform_admin.pk,
        "张三丰",
    )
    dept = RecordChange.objects.get(record=record, field="department")
    assert (dept.old_value, dept.new_value) == (None, "计算机学院")
    assert (
        AuditEntry.objects.filter(action="alumni_record.create", object_id=str(record.pk)).count()
        == 1
    )


def test_update_writes_exact_history_rows_and_refreshes_name_keys(org_tree, platform_admin):
    record = AlumniRecordFactory(org=org_tree.root, name="李四", city="北京", employer="")
    record_update(
        actor=platform_admin,
        record=record,
        changes={"name": "王五", "city": "上海", "employer": "示范公司", "position": ""},
        source="liaison",
    )
    record.refresh_from_db()
    assert (record.name, record.name_pinyin, record.name_initials) == ("王五", "wangwu", "ww")
    rows = sorted(_history(record))
    assert rows == [
        ("city", "北京", "上海", "liaison", platform_admin.pk),
        ("employer", "", "示范公司", "liaison", platform_admin.pk),
        ("name", "李四", "王五", "liaison", platform_admin.pk),
    ]
    change = RecordChange.objects.filter(record=record).first()
    assert change.created_at is not None
    entry = AuditEntry.objects.get(action="alumni_record.change", object_id=str(record.pk))
    assert entry.changes == {
        "name": ["李四", "王五"],
        "city": ["北京", "上海"],
        "employer": ["", "示范公司"],
    }
    # Unchanged values write nothing.
    record_update(actor=platform_admin, record=record, changes={"city": "上海"})
    assert RecordChange.objects.filter(record=record).count() == 3


def test_new_phone_becomes_current_and_old_is_retired(org_tree, platform_admin):
    record = record_create(
        actor=platform_admin, org=org_tree.root, data={"name": "赵六", "phone": "13800000001"}
    )
    record_update(actor=platform_admin, record=record, changes={"phone": "13900000002"})
    points = list(
        ContactPoint.objects.filter(record=record, kind="phone")
        .order_by("value")
        .values_list("value", "is_current")
    )
    assert points == [("13800000001", False), ("13900000002", True)]
    assert ContactPoint.objects.get(value="13800000001").retired_at is not None
    assert AlumniRecord.objects.get(pk=record.pk).phone == "13900000002"
    assert RecordChange.objects.filter(record=record, field="phone").latest("id").old_value == (
        "13800000001"
    )
    # Going back reactivates the old point instead of duplicating it.
    record_update(actor=platform_admin, record=record, changes={"phone": "13800000001"})
    assert list(
        ContactPoint.objects.filter(record=record, kind="phone", is_current=True).values_list(
            "value", flat=True
        )
    ) == ["13800000001"]
    assert ContactPoint.objects.filter(record=record, kind="phone").count() == 2


def test_self_service_update_keeps_history(org_tree, verified_alumnus, outsider):
    record = AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, phone="13800000001", employer="旧公司"
    )
    record_update(
        actor=verified_alumnus,
        record=record,
        changes={"phone": "13700000003", "employer": "新公司"},
        source="self",
    )
    record.refresh_from_db()
    assert (record.phone, record.employer) == ("13700000003", "新公司")
    assert sorted(_history(record)) == [
        ("employer", "旧公司", "新公司", "self", verified_alumnus.pk),
        ("phone", "13800000001", "13700000003", "self", verified_alumnus.pk),
    ]
    # The old phone (typed before contact points existed) is kept as a retired one.
    assert sorted(
        ContactPoint.objects.filter(record=record).values_list("value", "is_current", "source")
    ) == [("13700000003", True, "self"), ("13800000001", False, "admin")]
    with pytest.raises(ValidationError):
        record_update(
            actor=verified_alumnus, record=record, changes={"name": "别人"}, source="self"
        )
    with pytest.raises(PermissionDenied):
        record_update(actor=outsider, record=record, changes={"city": "上海"}, source="self")
    with pytest.raises(PermissionDenied):
        record_update(actor=verified_alumnus, record=record, changes={"city": "上海"})


def test_scope_college_admin_reaches_own_college_records_only(
    org_tree, college_admin, regional_admin
):
    cs = DepartmentFactory(name="计算机学院", org=org_tree.college)
    cs_dept = DepartmentFactory(name="软件系", parent=cs, kind="department")
    econ = DepartmentFactory(name="经济学院", org=org_tree.other_college)
    merged = DepartmentFactory(name="旧计算机系", merged_into=cs, is_active=False)
    mine = AlumniRecordFactory(org=org_tree.root, department=cs_dept)
    other = AlumniRecordFactory(org=org_tree.root, department=econ)
    old_unit = AlumniRecordFactory(org=org_tree.root, department=merged)
    assert set(record_scope(AlumniRecord.objects.all(), college_admin)) == {mine, old_unit}
    assert list(record_scope(AlumniRecord.objects.all(), regional_admin)) == []
    assert record_can(college_admin, "change", mine)
    assert not record_can(college_admin, "change", other)
    record_update(actor=college_admin, record=mine, changes={"city": "杭州"})
    with pytest.raises(PermissionDenied):
        record_update(actor=college_admin, record=other, changes={"city": "杭州"})
    with pytest.raises(PermissionDenied):
        record_create(actor=college_admin, org=org_tree.root, data={"name": "某人"})


def test_tags_key_alumnus_status_delete_restore(org_tree, platform_admin):
    record = AlumniRecordFactory(org=org_tree.root)
    assert record_tags_add(actor=platform_admin, record=record, names=["理事", "捐赠人"]) == [
        "捐赠人",
        "理事",
    ]
    assert record_tags_remove(actor=platform_admin, record=record, names=["理事"]) == ["捐赠人"]
    record_set_key_alumnus(actor=platform_admin, record=record, value=True)
    record_set_status(actor=platform_admin, record=record, status="deceased")
    with pytest.raises(ValidationError) as bad:
        record_set_status(actor=platform_admin, record=record, status="gone")
    assert bad.value.message_dict == {"status": ["Select a valid choice."]}
    record_soft_delete(actor=platform_admin, record=record)
    assert AlumniRecord.objects.get(pk=record.pk).deleted_at is not None
    with pytest.raises(ValidationError):
        record_update(actor=platform_admin, record=record, changes={"city": "x"})
    record_restore(actor=platform_admin, record=record)
    record.refresh_from_db()
    assert record.deleted_at is None and record.is_key_alumnus and record.status == "deceased"
    assert [(f, o, n) for f, o, n, _s, _a in _history(record)] == [
        ("tags", [], ["捐赠人", "理事"]),
        ("tags", ["捐赠人", "理事"], ["捐赠人"]),
        ("is_key_alumnus", False, True),
        ("status", "alive", "deceased"),
        ("deleted", False, True),
        ("deleted", True, False),
    ]


def test_custom_data_validated_and_historied(org_tree, platform_admin):
    CustomFieldFactory(key="donation", type="number", max_value=100, label="捐赠")
    record = AlumniRecordFactory(org=org_tree.root)
    with pytest.raises(ValidationError) as error:
        record_update(
            actor=platform_admin, record=record, changes={"custom_data": {"donation": "500"}}
        )
    assert error.value.message_dict == {"custom_donation": ["Enter a number of at most 100."]}
    record_update(actor=platform_admin, record=record, changes={"custom_data": {"donation": "50"}})
    record.refresh_from_db()
    assert record.custom_data == {"donation": 50}
    assert _history(record) == [("custom:donation", None, 50, "admin", platform_admin.pk)]


def test_demo_records_have_their_primary_degree_and_contacts(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from xiaoyou.alumni.models import DegreeEntry

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    total = AlumniRecord.objects.count()
    assert total > 0
    assert DegreeEntry.objects.filter(is_primary=True).count() == total
    record = AlumniRecord.objects.exclude(phone="").first()
    degree = record.degrees.get()
    assert (degree.department_id, degree.enrollment_year, degree.level) == (
        record.department_id,
        record.enrollment_year,
        record.degree_level,
    )
    assert list(record.contacts.filter(kind="phone").values_list("value", "is_current")) == [
        (record.phone, True)
    ]
