"""The streaming .xlsx reader gives the values openpyxl gives, on messy and hand-made files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tests.alumni.import_files import messy_workbook
from xiaoyou.alumni.importing.readers import open_sheet
from xiaoyou.alumni.importing.xlsx import XlsxBook


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    trimmed = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _openpyxl_rows(path: Path) -> list[list[Any]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return _trim([list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)])
    finally:
        workbook.close()


def _fast_rows(path: Path) -> list[list[Any]]:
    book = XlsxBook(path)
    try:
        return _trim(list(book.rows()))
    finally:
        book.close()


def test_messy_registrar_sheet_reads_the_same(tmp_path):
    path = messy_workbook(tmp_path / "messy.xlsx")
    assert _fast_rows(path) == _openpyxl_rows(path)
    assert _fast_rows(path)[2][:2] == ["姓名", "学号"]


def test_types_dates_gaps_and_formulas(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "姓名"
    sheet["B1"] = dt.datetime(1998, 7, 1)
    sheet["B1"].number_format = "yyyy年m月d日"
    sheet["C1"] = dt.date(2001, 2, 3)
    sheet["D1"] = 13800138000
    sheet["E1"] = 3.25
    sheet["F1"] = True
    sheet["G1"] = "=1+1"  # no cached value: None, never the formula
    sheet["H1"] = dt.time(8, 30)
    sheet["A5"] = "after a gap"
    sheet["Z5"] = "far column"
    sheet["A6"] = 36342
    sheet["A6"].number_format = "0"
    sheet["B6"] = 36342
    sheet["B6"].number_format = "yyyy-mm-dd"
    sheet["C6"] = CellRichText([TextBlock(InlineFont(b=True), "张"), "三丰"])
    path = tmp_path / "types.xlsx"
    workbook.save(path)
    fast = _fast_rows(path)
    assert fast == _openpyxl_rows(path)
    assert fast[0][1] == dt.datetime(1998, 7, 1)
    assert fast[0][6] is None
    assert fast[1] == [] and fast[4][25] == "far column"
    assert fast[5][:3] == [36342, dt.datetime(1999, 7, 1), "张三丰"]


def test_1904_workbook(tmp_path):
    workbook = Workbook()
    workbook.epoch = dt.datetime(1904, 1, 1)
    workbook.active["A1"] = dt.datetime(2020, 5, 17)
    path = tmp_path / "mac.xlsx"
    workbook.save(path)
    assert _fast_rows(path) == [[dt.datetime(2020, 5, 17)]] == _openpyxl_rows(path)


def test_inline_strings_and_phonetic_runs(tmp_path):
    """Files from other writers: inline strings, prefixed names, phonetic guides (rPh)."""
    path = tmp_path / "inline.xlsx"
    workbook = Workbook()
    workbook.active["A1"] = "placeholder"
    workbook.save(path)
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<x:sheetData>"
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>王小明</x:t></x:is></x:c>'
        '<x:c r="C1" t="s"><x:v>0</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:r><x:t>李</x:t></x:r>'
        '<x:r><x:t>四</x:t></x:r><x:rPh sb="0" eb="1"><x:t>リ</x:t></x:rPh></x:is></x:c>'
        '<x:c r="C3" t="b"><x:v>1</x:v></x:c><x:c r="D3" t="e"><x:v>#N/A</x:v></x:c>'
        '<x:c r="E3" t="str"><x:f>A1</x:f><x:v>王小明</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    shared_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>田中</t><rPh sb="0" eb="2"><t>タナカ</t></rPh>'
        '<phoneticPr fontId="1"/></si></sst>'
    )
    rebuilt = tmp_path / "rebuilt.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                target.writestr(item, sheet_xml)
            elif item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item))
        target.writestr("xl/sharedStrings.xml", shared_xml)
    fast = _fast_rows(rebuilt)
    assert fast == [
        ["王小明", None, "田中"],
        [],
        [None, "李四", True, "#N/A", "王小明"],
    ]


def test_open_sheet_estimates_rows_without_dimension(tmp_path):
    workbook = Workbook(write_only=True)  # streaming writers leave out <dimension>
    sheet = workbook.create_sheet("名单")
    for index in range(3000):
        sheet.append([f"姓名{index}", index])
    path = tmp_path / "stream.xlsx"
    workbook.save(path)
    opened = open_sheet(path)
    try:
        assert opened.estimated_rows is not None
        assert 2000 <= opened.estimated_rows <= 4500
        rows = list(opened.rows())
        assert len(rows) == 3000 and rows[-1] == ["姓名2999", 2999]
    finally:
        opened.close()


def test_damaged_workbook_is_a_clear_error(tmp_path):
    from xiaoyou.alumni.importing.readers import ImportFileError

    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ImportFileError):
        open_sheet(path)
