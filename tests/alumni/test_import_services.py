"""Import services: messy files end to end, upsert, duplicates, dry run, batches, report, undo."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from openpyxl import load_workbook

from tests.alumni.import_files import FIXTURES, import_env, messy_workbook, simple_workbook
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactPoint,
    DegreeEntry,
    ImportBatch,
    ImportStatus,
    RecordChange,
)
from xiaoyou.alumni.services import importing
from xiaoyou.alumni.services.history import history_write
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import AuditEntry

__all__ = ["import_env"]


def _upload(path, org, actor, key="student_id"):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return importing.import_upload(org=org, actor=actor, upload=upload, key_field=key)


def _run(path, org, actor, *, dry_run=False, key="student_id"):
    batch = _upload(path, org, actor, key)
    result = importing.import_run_now(batch=batch, actor=actor, dry_run=dry_run)
    batch.refresh_from_db()
    return batch, result


def test_messy_workbook_end_to_end(import_env, org_tree, college_admin, tmp_path):
    department = import_env
    batch, result = _run(messy_workbook(tmp_path / "messy.xlsx"), org_tree.college, college_admin)
    assert (result.total, result.created, result.updated, result.unchanged) == (10, 6, 0, 0)
    assert [(item.row, item.reason) for item in result.rejected] == [
        (12, "Mobile phone: Not a mobile phone number"),
        (13, "Department: Unknown department “外星学院”"),
        (14, "Same person as row 5 of this file"),
        (15, "Name: A name is required"),
    ]
    assert batch.status == ImportStatus.DONE
    assert (batch.created_count, batch.rejected_count, batch.total_rows) == (6, 4, 10)
    records = {
        record.student_id: record for record in AlumniRecord.objects.filter(org=org_tree.college)
    }
    assert sorted(records) == ["2016001", "2016002", "2016003", "2016004", "2016005", "2016006"]
    # The five date formats and the Excel serial all mean 1998-07-01 (1998.7 / 1998年7月 -> day 1).
    assert {record.birth_date for record in records.values()} == {dt.date(1998, 7, 1)}
    zhang = records["2016001"]
    assert (zhang.name, zhang.gender, zhang.phone, zhang.email) == (
        "张三丰",
        "male",
        "13800138000",
        "zsf@example.com",
    )
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangsanfeng", "zsf")
    assert zhang.department_id == department.pk and zhang.major.name == "软件工程"
    assert (zhang.enrollment_year, zhang.employer, zhang.import_batch_id) == (
        2016,
        "华为",
        batch.pk,
    )
    li = records["2016002"]
    assert (li.name, li.phone, li.department_id, li.enrollment_year) == (
        "李 四",
        "13900139000",
        department.pk,  # 计算机系 is the college's former name
        2016,
    )
    assert records["2016003"].gender == "male" and records["2016004"].gender == "female"
    assert DegreeEntry.objects.filter(record__org=org_tree.college, is_primary=True).count() == 6
    assert ContactPoint.objects.filter(record=zhang).count() == 2
    assert RecordChange.objects.filter(batch=batch, field="created").count() == 6
    assert (
        AuditEntry.objects.filter(action="alumni.import.finished", object_id=str(batch.pk)).count()
        == 1
    )


def test_report_lists_rejected_rows_with_formulas_neutralized(
    import_env, org_tree, college_admin, tmp_path
):
    path = tmp_path / "inject.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["姓名", "学号", "手机"],
                ['=HYPERLINK("http://evil.example","点我")', "2016101", "13800138000"],
                ["张三", "2016102", "=1+2"],
                ["李四", "2016103", "13900139000"],
            ]
        )
    batch, result = _run(path, org_tree.college, college_admin)
    assert (result.created, len(result.rejected)) == (1, 2)
    sheet = load_workbook(batch.report.path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Row", "Reason", "姓名", "学号", "手机"]
    assert rows[1] == [
        2,
        "Name: Not a person's name",
        '\'=HYPERLINK("http://evil.example","点我")',
        "2016101",
        "13800138000",
    ]
    assert rows[2] == [3, "Mobile phone: Not a mobile phone number", "张三", "2016102", "'=1+2"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_gbk_csv_and_upsert_against_the_archive(import_env, org_tree, college_admin, tmp_path):
    existing = AlumniRecord.objects.create(
        org=org_tree.college, name="张三丰", student_id="2016001", phone="13800138000", city="北京"
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (
            "姓名,学号,手机,城市,工作单位\n"
            "张三丰,2016001,13800138000,深圳,华为\n"  # the archive's person: updated
            "张三丰,2016001,13800138000,深圳,华为\n"  # twice in the file: rejected
            "李四,2016002,13900139000,,\n"
        ).encode("gbk")
    )
    batch, result = _run(path, org_tree.college, college_admin)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert [(item.row, item.reason) for item in result.rejected] == [
        (3, "Same person as row 2 of this file")
    ]
    existing.refresh_from_db()
    assert (existing.city, existing.employer, existing.phone) == ("深圳", "华为", "13800138000")
    changes = sorted(
        RecordChange.objects.filter(batch=batch, record=existing).values_list(
            "field", "old_value", "new_value"
        )
    )
    assert changes == [("city", "北京", "深圳"), ("employer", "", "华为")]
    # The same file again: nothing changes.
    _batch, again = _run(path, org_tree.college, college_admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_match_by_phone_and_student_number_conflict(import_env, org_tree, college_admin, tmp_path):
    AlumniRecord.objects.create(org=org_tree.college, name="王五", phone="13700137000")
    AlumniRecord.objects.create(org=org_tree.college, name="赵六", student_id="2016004")
    path = simple_workbook(
        tmp_path / "phones.xlsx",
        ["姓名", "手机", "学号", "工作单位"],
        [
            ["王五", "+86 137 0013 7000", "", "阿里巴巴"],
            ["钱七", "13500135000", "2016004", ""],
        ],
    )
    _batch, result = _run(path, org_tree.college, college_admin, key="phone")
    assert (result.created, result.updated) == (0, 1)
    assert [(item.row, item.reason) for item in result.rejected] == [
        (3, "The student number 2016004 belongs to another record")
    ]
    assert AlumniRecord.objects.get(phone="13700137000").employer == "阿里巴巴"


def test_libreoffice_file_imports(import_env, org_tree, college_admin):
    _batch, result = _run(FIXTURES / "libreoffice_saved.xls", org_tree.college, college_admin)
    assert (result.created, result.rejected) == (3, [])
    names = dict(AlumniRecord.objects.values_list("name", "name_initials"))
    assert names == {"欧阳娜娜": "oynn", "曾小贤": "zxx", "单田芳": "stf"}
    assert AlumniRecord.objects.get(name="单田芳").phone == "13700138003"
    assert set(AlumniRecord.objects.values_list("graduation_year", flat=True)) == {2014}


def test_dry_run_writes_nothing(import_env, org_tree, college_admin, tmp_path):
    batch, result = _run(
        messy_workbook(tmp_path / "messy.xlsx"), org_tree.college, college_admin, dry_run=True
    )
    assert (result.created, len(result.rejected)) == (6, 4)
    assert AlumniRecord.objects.count() == 0
    assert RecordChange.objects.count() == 0
    assert ContactPoint.objects.count() == 0
    assert (batch.status, batch.is_dry_run, batch.created_count) == (
        ImportStatus.VALIDATED,
        True,
        6,
    )
    # After a dry run the real import may follow.
    result = importing.import_run_now(batch=batch, actor=college_admin)
    assert result.created == 6 and AlumniRecord.objects.count() == 6


def test_all_or_nothing_per_batch(import_env, org_tree, college_admin, tmp_path, monkeypatch):
    from xiaoyou.alumni.importing import engine

    path = tmp_path / "three.csv"
    path.write_text(
        "姓名,学号\n" + "".join(f"校友{i},S{i}\n" for i in range(1, 7)), encoding="utf-8"
    )
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    original = engine.Importer._children
    calls = {"n": 0}

    def failing_children(self, records, now):
        calls["n"] += 1
        original(self, records, now)
        if calls["n"] == 2:
            raise IntegrityError("simulated failure in the second batch")

    monkeypatch.setattr(engine.Importer, "_children", failing_children)
    batch = _upload(path, org_tree.college, college_admin)
    importer = engine.Importer(
        org=org_tree.college, mapping=batch.mapping, batch=batch, actor=college_admin, batch_size=2
    )
    with importing.local_path(batch) as local:
        sheet, header = importing._open(local, batch.file_name)
        result = importer.run(sheet, header)
    assert result.created == 4
    assert [item.row for item in result.rejected] == [4, 5]
    assert {item.reason for item in result.rejected} == {
        "The batch of rows 4–5 could not be saved (IntegrityError); none of it was imported"
    }
    assert sorted(AlumniRecord.objects.values_list("student_id", flat=True)) == [
        "S1",
        "S2",
        "S5",
        "S6",
    ]
    assert RecordChange.objects.filter(field="created").count() == 4


def test_undo_restores_and_deletes(import_env, org_tree, college_admin, tmp_path):
    existing = AlumniRecord.objects.create(
        org=org_tree.college, name="张三丰", student_id="2016001", city="北京", custom_data={}
    )
    path = tmp_path / "undo.csv"
    path.write_text("姓名,学号,城市\n张三丰,2016001,深圳\n李四,2016002,上海\n", encoding="utf-8")
    batch, result = _run(path, org_tree.college, college_admin)
    assert (result.created, result.updated) == (1, 1)
    importing.import_undo(batch=batch, actor=college_admin)
    existing.refresh_from_db()
    batch.refresh_from_db()
    assert existing.city == "北京"
    assert list(AlumniRecord.objects.values_list("student_id", flat=True)) == ["2016001"]
    assert (batch.status, batch.undone_at is not None) == (ImportStatus.UNDONE, True)
    assert list(
        RecordChange.objects.filter(record=existing, batch=None).values_list(
            "field", "old_value", "new_value"
        )
    ) == [("city", "深圳", "北京")]
    with pytest.raises(ApplicationError) as error:
        importing.import_undo(batch=batch, actor=college_admin)
    assert error.value.code == "import_not_done"
    # The undone file can be imported again (the student number is free again).
    _again, result = _run(path, org_tree.college, college_admin)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)


def test_undo_refused_after_later_changes(import_env, org_tree, college_admin, tmp_path):
    existing = AlumniRecord.objects.create(
        org=org_tree.college, name="张三丰", student_id="2016001", city="北京"
    )
    path = tmp_path / "undo.csv"
    path.write_text("姓名,学号,城市\n张三丰,2016001,深圳\n", encoding="utf-8")
    batch, _result = _run(path, org_tree.college, college_admin)
    existing.refresh_from_db()
    history_write(
        record=existing, changes={"city": ("深圳", "广州")}, source="admin", actor=college_admin
    )
    AlumniRecord.objects.filter(pk=existing.pk).update(city="广州")
    with pytest.raises(ApplicationError) as error:
        importing.import_undo(batch=batch, actor=college_admin)
    assert error.value.code == "import_undo_conflict"
    assert "张三丰 / city" in error.value.text()
    existing.refresh_from_db()
    assert existing.city == "广州"
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.DONE


def test_corrupt_upload_is_refused_and_writes_nothing(import_env, org_tree, college_admin):
    upload = SimpleUploadedFile("broken.xlsx", b"PK\x03\x04garbage")
    with pytest.raises(ApplicationError) as error:
        importing.import_upload(org=org_tree.college, actor=college_admin, upload=upload)
    assert error.value.code == "import_file"
    assert "could not be read" in error.value.text()
    assert ImportBatch.objects.count() == 0 and AlumniRecord.objects.count() == 0


def test_only_admins_of_the_org_import(
    import_env, org_tree, college_admin, regional_admin, tmp_path
):
    path = tmp_path / "a.csv"
    path.write_text("姓名,学号\n张三,1\n", encoding="utf-8")
    with pytest.raises(PermissionDenied):
        _upload(path, org_tree.college, regional_admin)
    batch = _upload(path, org_tree.college, college_admin)
    with pytest.raises(PermissionDenied):
        importing.import_run_now(batch=batch, actor=regional_admin)
    assert AlumniRecord.objects.count() == 0


def test_saved_mapping_follows_headers(import_env, org_tree, college_admin, tmp_path):
    first = simple_workbook(tmp_path / "a.xlsx", ["名", "号码"], [["张三", "1"]])
    batch = _upload(first, org_tree.college, college_admin)
    header = importing.batch_header(batch)
    mapping = {"0": "name", "1": "student_id"}
    saved = importing.mapping_save(
        org=org_tree.college,
        actor=college_admin,
        name="教务处",
        mapping=importing.mapping_payload(header, mapping),
    )
    moved = simple_workbook(tmp_path / "b.xlsx", ["号码", "备注", "名"], [["2", "", "李四"]])
    other = _upload(moved, org_tree.college, college_admin)
    applied = importing.mapping_apply(
        batch=other, saved=saved, header=importing.batch_header(other)
    )
    assert applied == {"0": "student_id", "1": "", "2": "name"}


def test_update_keeps_the_primary_degree_entry_in_step(
    import_env, org_tree, college_admin, tmp_path
):
    """A re-import changing years or department updates the primary degree entry the record
    mirrors; a record that had no entry gets its primary one."""
    department = import_env
    first = tmp_path / "first.csv"
    first.write_text("姓名,学号,入学年份,毕业年份\n王五,2016003,2016,2020\n", encoding="utf-8")
    _run(first, org_tree.college, college_admin)
    record = AlumniRecord.objects.get(student_id="2016003")
    bare = AlumniRecord.objects.create(org=org_tree.college, name="赵六", student_id="2016004")
    second = tmp_path / "second.csv"
    second.write_text(
        "姓名,学号,院系,专业,入学年份,毕业年份,学历\n"
        "王五,2016003,计算机学院,软件工程,2016,2021,硕士\n"
        "赵六,2016004,计算机系,,2015,2019,\n",
        encoding="utf-8",
    )
    _batch, result = _run(second, org_tree.college, college_admin)
    assert (result.created, result.updated) == (0, 2)
    entry = DegreeEntry.objects.get(record=record, is_primary=True)
    assert (entry.department_id, entry.graduation_year, entry.level) == (
        department.pk,
        2021,
        "master",
    )
    assert entry.major.name == "软件工程" and entry.student_id == "2016003"
    assert DegreeEntry.objects.filter(record=record).count() == 1
    created = DegreeEntry.objects.get(record=bare)
    assert created.is_primary and (created.department_id, created.enrollment_year) == (
        department.pk,
        2015,
    )
