"""Messy spreadsheets as registrars and class liaisons send them, built with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).parent / "fixtures"

# (name, student id, gender, birth date cell, department, major, enrollment, phone, email, employer)
MESSY_ROWS = [
    (
        "张三丰",
        "2016001",
        "男",
        dt.datetime(1998, 7, 1),
        "计算机学院",
        "软件工程",
        2016,
        "138 0013 8000",
        "ZSF@Example.com",
        "华为",
    ),
    (
        "李 四",
        "2016002",
        "女",
        "1998.7",
        "计算机系",
        "软件工程",
        "2016级",
        "+86 139-0013-9000",
        "lisi@example.com",
        "腾讯",
    ),
    (
        "王五",
        "２０１６００３",
        "M",
        "1998年7月",
        "计算机学院",
        "",
        2016,
        "(+86)13700137000",
        "",
        "阿里巴巴",
    ),
    (
        "赵六",
        "2016004",
        "F",
        "1998/7/1",
        "计算机学院",
        "软件工程",
        2016,
        "13600136000",
        "zhaoliu@example.com",
        "",
    ),
    (
        "钱七",
        "2016005",
        "男",
        19980701,
        "计算机学院",
        "软件工程",
        2016,
        "13500135000",
        "",
        "字节跳动",
    ),
    ("孙八", "2016006", "女", 35977, "计算机学院", "软件工程", 2016, "13400134000", "", ""),
    # Problems: a bad phone, an unknown department, the same student number again, no name.
    ("周九", "2016007", "男", "1998-07-01", "计算机学院", "软件工程", 2016, "12345", "", ""),
    ("吴十", "2016008", "男", "1998-07-01", "外星学院", "", 2016, "13300133000", "", ""),
    (
        "张三丰",
        "2016001",
        "男",
        "1998-07-01",
        "计算机学院",
        "软件工程",
        2016,
        "13800138000",
        "",
        "",
    ),
    ("", "2016009", "女", "", "计算机学院", "", 2016, "", "", ""),
]


def messy_workbook(path: Path, rows: list[tuple[object, ...]] | None = None) -> Path:
    """A title row, a blank row, a two-row header with merged cells, blank rows in the data."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["XX大学2020届毕业生信息表"])
    sheet.merge_cells("A1:J1")
    sheet.append([])
    sheet.append(
        [
            "姓名",
            "学号",
            "性别",
            "出生日期",
            "院系",
            "专业",
            "入学年份",
            "联系方式",
            None,
            "工作单位",
        ]
    )
    sheet.append([None, None, None, None, None, None, None, "手机", "邮箱", None])
    for column in "ABCDEFGJ":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("H3:I3")
    for index, row in enumerate(rows if rows is not None else MESSY_ROWS):
        if index == 3:
            sheet.append([])  # a blank row between blocks
        sheet.append(list(row))
    workbook.save(path)
    return path


def simple_workbook(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# --- fixtures shared by the import tests (imported by name into each module) ---------------

import pytest  # noqa: E402


@pytest.fixture
def import_env(settings, tmp_path, org_tree):
    """English messages, uploads under tmp_path, a college with a former name and a major."""
    from django.utils import translation

    from xiaoyou.alumni.models import Department, DepartmentAlias, Major

    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    department = Department.objects.create(name="计算机学院", code="CS")
    DepartmentAlias.objects.create(department=department, name="计算机系")
    Major.objects.create(department=department, name="软件工程")
    with translation.override("en"):
        yield department
