"""The staff side obeys the alumni's choices: console search page, its Excel export, the search
API and the record API never carry a field hidden from staff (xiaoyou.directory.staff)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.directory.factories import PrivacySettingsFactory, make_alumnus
from tests.factories import ContactPointFactory, DepartmentFactory, RecordChangeFactory
from tests.organizations.org_support import console_login

pytestmark = pytest.mark.django_db
PHONE = "13912340001"
MASKED = "139****0001"


@pytest.fixture
def alumnus(org_tree):
    """A verified alumnus of the College of Computing (in the college admin's scope)."""
    department = DepartmentFactory(name="计算机学院", org=org_tree.college)
    user, record = make_alumnus(
        org=org_tree.root,
        name="欧阳修",
        department=department,
        phone=PHONE,
        employer="保密公司",
        city="杭州",
    )
    ContactPointFactory(record=record, kind="phone", value=PHONE)
    RecordChangeFactory(record=record, field="phone", old_value="", new_value=PHONE)
    return user, record


def _xlsx_rows(response):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def _search(client, **params):
    return client.get(reverse("console:alumni_search"), {"q": "欧阳修", **params})


def test_org_admin_never_sees_a_classmates_only_phone(client, alumnus, college_admin):
    user, record = alumnus
    PrivacySettingsFactory(user=user, phone="classmates", employer="only_me")
    console_login(client, college_admin)
    page = _search(client).content.decode()
    assert "欧阳修" in page and MASKED not in page and PHONE not in page
    assert "保密公司" not in page and "杭州" in page
    rows = _xlsx_rows(_search(client, export="xlsx"))
    assert rows[1][0] == "欧阳修"
    flat = " ".join(str(cell or "") for row in rows for cell in row)
    assert MASKED not in flat and PHONE not in flat and "保密公司" not in flat and "杭州" in flat

    body = client.get("/api/v1/alumni/records", {"q": "欧阳修"}).json()
    assert body["items"][0]["phone_masked"] == "" and body["items"][0]["employer"] == ""
    detail = client.get(f"/api/v1/alumni/records/{record.pk}").json()
    assert detail["phone"] == "" and detail["employer"] == "" and detail["city"] == "杭州"
    assert all(item["kind"] != "phone" for item in detail["contacts"])
    history = client.get(f"/api/v1/alumni/records/{record.pk}/history").content.decode()
    assert PHONE not in history
    assert PHONE not in client.get(f"/api/v1/alumni/records/{record.pk}").content.decode()


def test_org_admin_sees_fields_open_to_members(client, alumnus, college_admin):
    user, record = alumnus
    PrivacySettingsFactory(user=user, phone="members")
    console_login(client, college_admin)
    assert MASKED in _search(client).content.decode()
    assert client.get(f"/api/v1/alumni/records/{record.pk}").json()["phone"] == PHONE


def test_platform_admin_sees_all_but_exports_mask_only_me(client, alumnus, platform_admin):
    user, record = alumnus
    PrivacySettingsFactory(user=user, phone="only_me", employer="classmates")
    console_login(client, platform_admin)
    page = _search(client).content.decode()
    assert MASKED in page and "保密公司" in page
    flat = " ".join(str(c or "") for row in _xlsx_rows(_search(client, export="xlsx")) for c in row)
    assert MASKED not in flat and PHONE not in flat and "保密公司" in flat
    item = client.get("/api/v1/alumni/records", {"q": "欧阳修"}).json()["items"][0]
    assert item["phone_masked"] == "" and item["employer"] == "保密公司"
    assert client.get(f"/api/v1/alumni/records/{record.pk}").json()["phone"] == PHONE


def test_records_without_an_account_are_left_as_kept(client, org_tree, college_admin):
    from tests.factories import AlumniRecordFactory

    department = DepartmentFactory(org=org_tree.college)
    AlumniRecordFactory(org=org_tree.root, name="欧阳修", department=department, phone=PHONE)
    console_login(client, college_admin)
    assert MASKED in _search(client).content.decode()
