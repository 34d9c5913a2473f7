"""Record API: detail (masked ID), create, PATCH with history, 422 details, delete/restore,
history, custom fields, scope."""

from __future__ import annotations

import json

import pytest

from tests.factories import AlumniRecordFactory, CustomFieldFactory, DepartmentFactory
from xiaoyou.alumni.models import AlumniRecord, RecordChange

pytestmark = pytest.mark.django_db
BASE = "/api/v1/alumni/records"
VALID_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def send(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_create_detail_masked_and_patch_history(client, org_tree, platform_admin):
    dept = DepartmentFactory(name="计算机学院")
    CustomFieldFactory(key="donation", type="number", max_value=100)
    client.force_login(platform_admin)
    created = send(
        client,
        "post",
        BASE,
        {
            "name": "张三丰",
            "phone": "13800000001",
            "national_id": VALID_ID,
            "tags": ["理事"],
            "degrees": [{"level": "doctor", "department_id": dept.pk, "enrollment_year": 2001}],
            "custom_data": {"donation": "30"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["national_id"] == "**************002X"
    assert VALID_ID not in created.content.decode()
    assert (body["degree_level"], body["department"], body["tags"]) == (
        "doctor",
        "计算机学院",
        ["理事"],
    )
    assert body["custom_data"] == {"donation": 30}
    assert body["contacts"] == [{"kind": "phone", "value": "13800000001", "is_current": True}]
    record_id = body["id"]

    detail = client.get(f"{BASE}/{record_id}")
    assert detail.json()["national_id"] == "**************002X"
    assert VALID_ID not in detail.content.decode()

    patched = send(client, "patch", f"{BASE}/{record_id}", {"phone": "13900000002", "city": "上海"})
    assert patched.status_code == 200
    assert patched.json()["phone"] == "13900000002"
    assert patched.json()["contacts"] == [
        {"kind": "phone", "value": "13900000002", "is_current": True},
        {"kind": "phone", "value": "13800000001", "is_current": False},
    ]
    history = client.get(f"{BASE}/{record_id}/history").json()
    newest = {row["field"]: row for row in history[:2]}
    assert {
        k: (v["old_value"], v["new_value"], v["source"], v["actor_id"]) for k, v in newest.items()
    } == {
        "phone": ("13800000001", "13900000002", "admin", platform_admin.pk),
        "city": ("", "上海", "admin", platform_admin.pk),
    }
    national = next(row for row in history if row["field"] == "national_id")
    assert national["new_value"] == "******"


def test_invalid_input_names_the_fields(client, org_tree, platform_admin):
    CustomFieldFactory(key="donation", type="number", max_value=100)
    record = AlumniRecordFactory(org=org_tree.root)
    client.force_login(platform_admin)
    response = send(client, "patch", f"{BASE}/{record.pk}", {"national_id": "110105194912310021"})
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert details == [
        {
            "loc": ["body", "national_id"],
            "message": "The national ID number's check digit is wrong.",
            "type": "value_error",
        }
    ]
    response = send(client, "patch", f"{BASE}/{record.pk}", {"custom_data": {"donation": "x"}})
    assert response.json()["error"]["details"][0]["loc"] == ["body", "custom_donation"]
    assert response.json()["error"]["details"][0]["message"] == "Enter a number."
    assert RecordChange.objects.filter(record=record).count() == 0


def test_delete_restore_and_scope(client, org_tree, platform_admin, college_admin, regional_admin):
    mine = AlumniRecordFactory(
        org=org_tree.root, department=DepartmentFactory(org=org_tree.college)
    )
    other = AlumniRecordFactory(
        org=org_tree.root, department=DepartmentFactory(org=org_tree.other_college)
    )
    client.force_login(college_admin)
    assert client.get(f"{BASE}/{other.pk}").status_code == 404
    assert send(client, "patch", f"{BASE}/{other.pk}", {"city": "x"}).status_code == 404
    assert client.delete(f"{BASE}/{mine.pk}").status_code == 204
    assert AlumniRecord.objects.get(pk=mine.pk).deleted_at is not None
    assert client.get(f"{BASE}/{mine.pk}").json()["deleted"] is True
    restored = client.post(f"{BASE}/{mine.pk}/restore")
    assert restored.status_code == 200 and restored.json()["deleted"] is False
    # Creating in the main association needs its admins.
    response = send(client, "post", BASE, {"name": "某人"})
    assert response.status_code == 403
    client.force_login(regional_admin)
    assert client.get(f"{BASE}/{mine.pk}").status_code == 404


def test_custom_fields_list(client, platform_admin, outsider):
    CustomFieldFactory(key="size", label="Size", type="choice", choices=["S", "M"], order=1)
    CustomFieldFactory(key="old", is_active=False)
    client.force_login(outsider)
    assert client.get("/api/v1/alumni/custom-fields").status_code == 403
    client.force_login(platform_admin)
    assert client.get("/api/v1/alumni/custom-fields").json() == [
        {
            "key": "size",
            "label": "Size",
            "type": "choice",
            "is_required": False,
            "choices": ["S", "M"],
            "pattern": "",
            "min_value": None,
            "max_value": None,
            "help_text": "",
        }
    ]
