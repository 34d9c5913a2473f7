"""Reading messy files: merged headers, blank rows, GBK csv, LibreOffice xls, corrupt files."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.alumni.import_files import FIXTURES, messy_workbook
from xiaoyou.alumni.importing.fields import suggest_mapping
from xiaoyou.alumni.importing.headers import detect_header
from xiaoyou.alumni.importing.readers import ImportFileError, open_sheet

CSV_TEXT = "姓名,学号,手机,出生日期\n张三丰,2016001,138 0013 8000,1998年7月\n李四,2016002,+86 139-0013-9000,1998.7\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "list.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    sheet = open_sheet(path)
    rows = list(sheet.rows())
    assert rows[0] == ["姓名", "学号", "手机", "出生日期"]
    assert rows[1] == ["张三丰", "2016001", "138 0013 8000", "1998年7月"]
    assert sheet.encoding == {"gbk": "gb18030", "gb18030": "gb18030"}.get(encoding, encoding)


def test_semicolon_csv(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("姓名;学号\n张三;1\n", encoding="utf-8")
    assert list(open_sheet(path).rows()) == [["姓名", "学号"], ["张三", "1"]]


def test_messy_xlsx_header_detection(tmp_path):
    sheet = open_sheet(messy_workbook(tmp_path / "messy.xlsx"))
    header = detect_header(sheet.rows())
    assert header.header_rows == (2, 3)
    assert header.data_start == 4
    assert header.labels[7:9] == ["联系方式/手机", "联系方式/邮箱"]
    assert suggest_mapping(header.labels) == {
        "0": "name",
        "1": "student_id",
        "2": "gender",
        "3": "birth_date",
        "4": "department",
        "5": "major",
        "6": "enrollment_year",
        "7": "phone",
        "8": "email",
        "9": "employer",
    }


def test_libreoffice_xls_fixture():
    # Saved by LibreOffice Calc (soffice --headless --convert-to xls) from an openpyxl file.
    sheet = open_sheet(FIXTURES / "libreoffice_saved.xls")
    assert sheet.kind == "xls"
    rows = list(sheet.rows())
    assert rows[0] == ["姓名", "学号", "性别", "出生日期", "院系", "手机", "毕业年份"]
    assert rows[1][3] == dt.date(1990, 3, 5)  # a date cell comes back as a date
    assert rows[2][3] == "1990年4月"


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("broken.xlsx", b"PK\x03\x04 this is no zip archive at all", "could not be read"),
        ("broken.xlsx", b"just some text renamed to xlsx", "not a valid Excel workbook"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "could not be read"),
        ("empty.csv", b"", "empty"),
        ("latin.csv", "名字".encode("utf-16"), "neither UTF-8 nor GBK"),
    ],
)
def test_corrupt_files_give_a_clear_error(tmp_path, settings, name, content, message):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    path = tmp_path / name
    path.write_bytes(content)
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        open_sheet(path)
    assert message in str(error.value)
