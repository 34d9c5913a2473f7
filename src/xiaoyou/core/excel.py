"""Spreadsheet exports (.xlsx and .csv) that are safe to open in Excel or WPS.

`export_response(filename, headers, rows, fmt)` returns the download. Every text cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
leading apostrophe (OWASP "CSV injection"), so "=HYPERLINK(...)" typed by an alumnus into a
form shows as text. Numbers stay numbers; aware datetimes are shown in Asia/Shanghai.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralize(value: Any) -> Any:
    """A cell value that no spreadsheet will evaluate; non-text values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """The value as written: text neutralized, datetimes local and naive, others as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return neutralize(str(value))


def xlsx_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    # Sheet titles may not hold []:*?/\ and are at most 31 characters.
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", title or "Sheet1")[:31])
    sheet.append([_xlsx_text(cell_value(str(header))) for header in headers])
    for row in rows:
        sheet.append([_xlsx_text(cell_value(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_text(value: Any) -> Any:
    # openpyxl refuses control characters that the XML of a sheet cannot hold.
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell_value(str(header)) for header in headers])
    for row in rows:
        writer.writerow([_csv_text(cell_value(value)) for value in row])
    # The BOM makes Excel read the file as UTF-8 (Chinese names otherwise come out garbled).
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def export_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse:
    """The download of `rows` as `filename`.<fmt> (xlsx or csv)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows, title=filename), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(headers, rows), content_type="text/csv; charset=utf-8")
    full_name = f"{filename}.{fmt}"
    ascii_name = full_name.encode("ascii", "ignore").decode() or f"export.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full_name)}"
    )
    return response
