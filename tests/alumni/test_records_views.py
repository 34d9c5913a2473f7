"""Console record pages, custom field and department pages, and the hall's "My profile"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    AlumniRecordFactory,
    CustomFieldFactory,
    DegreeEntryFactory,
    DepartmentFactory,
    MembershipFactory,
)
from tests.organizations.org_support import console_login
from xiaoyou.alumni import sensitive
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactPoint,
    CustomField,
    DepartmentAlias,
    RecordChange,
)
from xiaoyou.alumni.services.records import record_update
from xiaoyou.core.models import AuditEntry

pytestmark = pytest.mark.django_db
VALID_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _form_data(record, **overrides):
    data = {
        "name": record.name,
        "status": record.status,
        "gender": record.gender,
        "phone": record.phone,
        "email": record.email,
        "city": record.city,
        "employer": record.employer,
        "degrees-TOTAL_FORMS": "1",
        "degrees-INITIAL_FORMS": "0",
        "degrees-MIN_NUM_FORMS": "0",
        "degrees-MAX_NUM_FORMS": "10",
        "degrees-0-level": "bachelor",
        "degrees-0-department": str(record.department_id),
        "degrees-0-enrollment_year": "2010",
        "degrees-0-graduation_year": "2014",
        "degrees-0-is_primary": "on",
    }
    data.update(overrides)
    return data


def test_detail_shows_sections_masked_id_and_history(client, org_tree, platform_admin):
    record = AlumniRecordFactory(org=org_tree.root, name="张三丰", city="北京")
    DegreeEntryFactory(record=record)
    MembershipFactory(org=org_tree.college, alumni_record=record, name="张三丰")
    record_update(
        actor=platform_admin, record=record, changes={"city": "上海", "national_id": VALID_ID}
    )
    console_login(client, platform_admin)
    response = client.get(reverse("console:alumni_record_detail", args=[record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("identity", "degrees", "contacts", "work", "tags", "memberships", "history"):
        assert f'data-section="{section}"' in html
    assert "**************002X" in html
    assert VALID_ID not in html
    assert 'data-history-field="city"' in html
    assert [m.org for m in response.context["memberships"]] == [org_tree.college]
    rows = response.context["history"]
    city = next(row for row in rows if row["change"].field == "city")
    assert (city["old"], city["new"], city["source"]) == ("北京", "上海", "Staff")
    assert city["change"].actor == platform_admin
    # Platform admins may reveal the number; the reveal is audited.
    reveal = client.post(reverse("console:alumni_record_reveal_national_id", args=[record.pk]))
    assert VALID_ID in reveal.content.decode()
    assert AuditEntry.objects.filter(action="alumni_record.reveal_national_id").count() == 1


def test_college_admin_sees_own_college_only_and_cannot_reveal(
    client, org_tree, platform_admin, college_admin
):
    cs = DepartmentFactory(org=org_tree.college)
    econ = DepartmentFactory(org=org_tree.other_college)
    mine = AlumniRecordFactory(org=org_tree.root, department=cs)
    other = AlumniRecordFactory(org=org_tree.root, department=econ)
    record_update(actor=platform_admin, record=mine, changes={"national_id": VALID_ID})
    console_login(client, college_admin)
    response = client.get(reverse("console:alumni_record_detail", args=[mine.pk]))
    assert response.status_code == 200
    assert response.context["may_reveal"] is False
    assert "**************002X" in response.content.decode()
    assert client.get(reverse("console:alumni_record_detail", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("console:alumni_record_reveal_national_id", args=[mine.pk])).status_code
        == 403
    )


def test_edit_shows_inline_errors_then_saves_with_history(client, org_tree, platform_admin):
    CustomFieldFactory(key="donation", label="Donation", type="number", max_value=100)
    record = AlumniRecordFactory(org=org_tree.root, name="李雷", city="北京", phone="13800000001")
    console_login(client, platform_admin)
    url = reverse("console:alumni_record_edit", args=[record.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        _form_data(
            record,
            national_id="110105194912310021",
            cf_donation="500",
            **{"degrees-0-graduation_year": "2001"},
        ),
    )
    assert bad.status_code == 422
    form = bad.context["form"]
    assert form.errors["national_id"] == ["The national ID number's check digit is wrong."]
    assert form.errors["cf_donation"] == ["Enter a number of at most 100."]
    assert bad.context["formset"].forms[0].errors["graduation_year"] == [
        "The graduation year comes before the enrollment year."
    ]
    assert RecordChange.objects.filter(record=record).count() == 0
    ok = client.post(
        url,
        _form_data(record, city="深圳", phone="13900000002", cf_donation="50", tags="理事, 捐赠人"),
    )
    assert ok.status_code == 302
    record.refresh_from_db()
    assert (record.city, record.phone, record.custom_data) == (
        "深圳",
        "13900000002",
        {"donation": 50},
    )
    assert sorted(record.tags.values_list("name", flat=True)) == ["捐赠人", "理事"]
    assert record.degrees.count() == 1 and record.degrees.get().is_primary
    fields = set(RecordChange.objects.filter(record=record).values_list("field", flat=True))
    assert {"city", "phone", "custom:donation", "tags", "degrees"} <= fields
    assert list(
        ContactPoint.objects.filter(record=record, kind="phone", is_current=True).values_list(
            "value", flat=True
        )
    ) == ["13900000002"]


def test_create_delete_and_restore(client, org_tree, platform_admin):
    dept = DepartmentFactory()
    console_login(client, platform_admin)
    dashboard = client.get(reverse("console:dashboard")).content.decode()
    assert 'data-quick="alumni_record_create"' in dashboard
    response = client.post(
        reverse("console:alumni_record_create"),
        {
            "name": "韩梅梅",
            "status": "alive",
            "degrees-TOTAL_FORMS": "1",
            "degrees-INITIAL_FORMS": "0",
            "degrees-MIN_NUM_FORMS": "0",
            "degrees-MAX_NUM_FORMS": "10",
            "degrees-0-level": "master",
            "degrees-0-department": str(dept.pk),
            "degrees-0-enrollment_year": "2012",
        },
    )
    assert response.status_code == 302
    record = AlumniRecord.objects.get(name="韩梅梅")
    assert (record.org, record.degree_level, record.department) == (org_tree.root, "master", dept)
    assert (record.name_pinyin, record.name_initials) == ("hanmeimei", "hmm")
    client.post(reverse("console:alumni_record_delete", args=[record.pk]))
    record.refresh_from_db()
    assert record.deleted_at is not None
    detail = client.get(reverse("console:alumni_record_detail", args=[record.pk]))
    assert "data-deleted" in detail.content.decode()
    assert client.get(reverse("console:alumni_record_edit", args=[record.pk])).status_code == 404
    client.post(reverse("console:alumni_record_undelete", args=[record.pk]))
    record.refresh_from_db()
    assert record.deleted_at is None


def test_custom_field_pages(client, platform_admin, college_admin):
    console_login(client, college_admin)
    assert client.get(reverse("console:alumni_fields")).status_code == 403
    console_login(client, platform_admin)
    bad = client.post(
        reverse("console:alumni_field_create"),
        {"key": "size", "label": "Size", "type": "choice", "choices_text": "S", "order": "1"},
    )
    assert bad.status_code == 422
    assert bad.context["form"].errors["choices_text"] == ["Give at least two choices."]
    bad = client.post(
        reverse("console:alumni_field_create"),
        {
            "key": "n",
            "label": "N",
            "type": "number",
            "min_value": "5",
            "max_value": "1",
            "order": "1",
        },
    )
    assert bad.context["form"].errors["max_value"] == ["The maximum is below the minimum."]
    ok = client.post(
        reverse("console:alumni_field_create"),
        {
            "key": "size",
            "label": "Size",
            "type": "choice",
            "choices_text": "S\nM\nL",
            "order": "1",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    field = CustomField.objects.get(key="size")
    assert field.choices == ["S", "M", "L"]
    listing = client.get(reverse("console:alumni_fields"))
    assert 'data-field-key="size"' in listing.content.decode()
    client.post(
        reverse("console:alumni_field_edit", args=[field.pk]),
        {
            "key": "other",
            "label": "Shirt size",
            "type": "choice",
            "choices_text": "S\nM",
            "order": "1",
        },
    )
    field.refresh_from_db()
    assert (field.key, field.label, field.is_active) == ("size", "Shirt size", False)


def test_department_pages_rename_keeps_alias(client, org_tree, platform_admin):
    console_login(client, platform_admin)
    response = client.post(
        reverse("console:alumni_departments"),
        {"name": "计算机系", "code": "CS", "kind": "college", "org": str(org_tree.college.pk)},
    )
    assert response.status_code == 302
    from xiaoyou.alumni.models import Department

    dept = Department.objects.get(code="CS")
    assert dept.org == org_tree.college
    record = AlumniRecordFactory(org=org_tree.root, department=dept)
    client.post(
        reverse("console:alumni_department_edit", args=[dept.pk]),
        {"name": "计算机学院", "until_year": "2000", "org": str(org_tree.college.pk)},
    )
    dept.refresh_from_db()
    assert dept.name == "计算机学院"
    assert list(DepartmentAlias.objects.filter(department=dept).values_list("name", flat=True)) == [
        "计算机系"
    ]
    tree = client.get(reverse("console:alumni_departments"))
    assert "计算机系" in tree.content.decode()
    from xiaoyou.alumni.services.departments import records_in_departments_named

    assert list(records_in_departments_named(AlumniRecord.objects.all(), "计算机系")) == [record]
    target = DepartmentFactory(name="信息学院")
    client.post(reverse("console:alumni_department_merge", args=[dept.pk]), {"into": target.pk})
    dept.refresh_from_db()
    assert dept.merged_into == target and not dept.is_active


def test_hall_my_profile_updates_and_keeps_history(client, org_tree, verified_alumnus):
    record = AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, phone="13800000001", employer="旧公司"
    )
    client.force_login(verified_alumnus)
    me = client.get(reverse("hall:me"))
    assert reverse("hall:alumni_my_profile") in me.content.decode()
    page = client.get(reverse("hall:alumni_my_profile"))
    assert page.status_code == 200
    bad = client.post(reverse("hall:alumni_my_profile"), {"phone": "12", "employer": "x"})
    assert bad.status_code == 422
    assert bad.context["form"].errors["phone"] == ["Enter a valid mobile number."]
    ok = client.post(
        reverse("hall:alumni_my_profile"), {"phone": "139 0000 0002", "employer": "新公司"}
    )
    assert ok.status_code == 302
    record.refresh_from_db()
    assert (record.phone, record.employer) == ("13900000002", "新公司")
    rows = sorted(
        RecordChange.objects.filter(record=record).values_list(
            "field", "old_value", "new_value", "source", "actor_id"
        )
    )
    assert rows == [
        ("employer", "旧公司", "新公司", "self", verified_alumnus.pk),
        ("phone", "13800000001", "13900000002", "self", verified_alumnus.pk),
    ]


def test_hall_profile_without_record(client, unverified_user):
    client.force_login(unverified_user)
    assert client.get(reverse("hall:alumni_my_profile")).status_code == 404
    assert reverse("hall:alumni_my_profile") not in client.get(reverse("hall:me")).content.decode()


def test_sensitive_masked_helper_in_exports(org_tree, platform_admin, college_admin):
    record = AlumniRecordFactory(org=org_tree.root)
    record_update(actor=platform_admin, record=record, changes={"national_id": VALID_ID})
    record.refresh_from_db()
    # Exports use national_id_display: masked for everybody, platform admins included.
    assert sensitive.national_id_display(platform_admin, record) == "**************002X"
    assert sensitive.national_id_display(college_admin, record) == "**************002X"
