from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from xiaoyou.core import excel

HEADERS = ["姓名", "备注", "金额", "时间"]
WHEN = dt.datetime(2024, 5, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
ROWS = [
    ["张伟", '=HYPERLINK("http://evil.example","点我")', 100, WHEN],
    ["李娜", "+86 138", Decimal("12.50"), None],
    ["王芳", "-2+3", -5, None],
    ["刘洋", "@SUM(A1:A2)", 0, None],
    ["陈静", "\tcmd", 1.5, None],
    ["杨磊", "\rcmd", 2, None],
    ["赵强", "普通文本 = 不是公式", 3, None],
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        ("", ""),
        (-1, -1),
        (None, None),
    ],
)
def test_neutralize(value, expected):
    assert excel.neutralize(value) == expected


def test_xlsx_export_keeps_formulas_as_text():
    response = excel.export_response("校友名单", HEADERS, ROWS, "xlsx")
    assert response["Content-Type"] == excel.XLSX_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\".xlsx\"; filename*=UTF-8''%E6%A0%A1%E5%8F%8B%E5%90%8D%E5%8D%95.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert [row[1] for row in values[1:]] == [
        '\'=HYPERLINK("http://evil.example","点我")',
        "'+86 138",
        "'-2+3",
        "'@SUM(A1:A2)",
        "'\tcmd",
        "'\ncmd",  # XML reads a carriage return back as a newline; the apostrophe stays
        "普通文本 = 不是公式",
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert values[1][2] == 100
    assert values[2][2] == 12.5
    assert values[3][2] == -5
    assert values[1][3] == dt.datetime(2024, 5, 1, 9, 30)  # local time, as Excel shows it


def test_csv_export_has_a_bom_and_neutralized_cells():
    response = excel.export_response("audit-log", HEADERS, ROWS, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"audit-log.csv\"; filename*=UTF-8''audit-log.csv"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADERS
    assert rows[1] == [
        "张伟",
        '\'=HYPERLINK("http://evil.example","点我")',
        "100",
        "2024-05-01 09:30:00",
    ]
    assert [row[1] for row in rows[2:]] == [
        "'+86 138",
        "'-2+3",
        "'@SUM(A1:A2)",
        "'\tcmd",
        "'\rcmd",
        "普通文本 = 不是公式",
    ]
    assert rows[3][2] == "-5"


def test_cells_of_other_types():
    assert excel.cell_value(True) == "True"
    assert excel.cell_value(dt.date(2024, 1, 2)) == dt.date(2024, 1, 2)
    naive = excel.cell_value(dt.datetime(2024, 1, 2, 3, 4, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert naive == dt.datetime(2024, 1, 2, 3, 4)
    assert excel.cell_value(["=x"]) == "['=x']"


def test_control_characters_do_not_break_xlsx():
    content = excel.xlsx_bytes(["a"], [["bell\x07 and nul\x00"]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "bell and nul"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        excel.export_response("x", ["a"], [], "pdf")
