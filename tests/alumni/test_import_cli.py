"""`xiaoyou import-alumni FILE --json`: the summary, dry run, a saved mapping, a corrupt file."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.alumni.import_files import import_env, messy_workbook
from xiaoyou.alumni.models import AlumniRecord, ImportBatch, ImportMapping

__all__ = ["import_env"]


def _call(*args):
    out = io.StringIO()
    call_command("import_alumni", *args, stdout=out)
    return out.getvalue()


def test_json_summary(import_env, org_tree, platform_admin, tmp_path):
    path = messy_workbook(tmp_path / "messy.xlsx")
    dry = json.loads(_call(str(path), "--json", "--dry-run", "--org", str(org_tree.college.pk)))
    assert AlumniRecord.objects.count() == 0
    assert (dry["dry_run"], dry["created"], dry["rejected"]) == (True, 6, 4)
    summary = json.loads(_call(str(path), "--json", "--org", str(org_tree.college.pk)))
    assert {
        key: summary[key]
        for key in ("dry_run", "total", "created", "updated", "unchanged", "rejected")
    } == {
        "dry_run": False,
        "total": 10,
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,
    }
    assert summary["rejected_rows"] == [
        {"row": 12, "reason": "Mobile phone: Not a mobile phone number"},
        {"row": 13, "reason": "Department: Unknown department “外星学院”"},
        {"row": 14, "reason": "Same person as row 5 of this file"},
        {"row": 15, "reason": "Name: A name is required"},
    ]
    assert ImportBatch.objects.get(pk=summary["batch"]).created_count == 6
    assert AlumniRecord.objects.filter(org=org_tree.college).count() == 6
    again = json.loads(_call(str(path), "--json", "--org", str(org_tree.college.pk)))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)


def test_saved_mapping_and_key(import_env, org_tree, platform_admin, tmp_path):
    AlumniRecord.objects.create(org=org_tree.root, name="张三", phone="13800138000")
    ImportMapping.objects.create(
        org=org_tree.root,
        name="liaison",
        mapping={"labels": {"A": "name", "B": "phone", "C": "city"}},
    )
    path = tmp_path / "liaison.csv"
    path.write_text("A,B,C\n张三,138-0013-8000,杭州\n", encoding="utf-8")
    summary = json.loads(_call(str(path), "--json", "--key", "phone", "--mapping", "liaison"))
    assert (summary["created"], summary["updated"]) == (0, 1)
    assert AlumniRecord.objects.get(name="张三").city == "杭州"
    text = _call(str(path), "--key", "phone", "--mapping", "liaison")
    assert text.strip() == "liaison.csv: 0 created, 0 updated, 1 unchanged, 0 rejected"


def test_corrupt_file_is_a_clear_error(import_env, platform_admin, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError) as error:
        _call(str(path), "--json")
    assert "not a valid Excel workbook" in str(error.value)
    assert ImportBatch.objects.count() == 0 and AlumniRecord.objects.count() == 0
