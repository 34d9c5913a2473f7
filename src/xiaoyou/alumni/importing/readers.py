"""Spreadsheet readers: each yields rows as lists of cell values, streaming (a million rows fit).

The format is told by the file's first bytes, not only its name: a .xls that is really an
.xlsx (common when files are renamed) still opens, and a broken file gives a clear error.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """The file cannot be read; the message is translated and shown as is."""


@dataclass
class Sheet:
    """An opened spreadsheet: `rows()` streams every row (a fresh iterator each call)."""

    path: Path
    kind: str  # xlsx | xls | csv
    encoding: str = ""
    estimated_rows: int | None = None
    # The xlsx package (shared strings and styles read once), kept open between passes.
    workbook: Any = None

    def rows(self) -> Iterator[list[Any]]:
        if self.kind == "xlsx":
            return _xlsx_rows(self)
        if self.kind == "xls":
            return _xls_rows(self.path)
        return _csv_rows(self.path, self.encoding)

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
            self.workbook = None


def open_sheet(path: str | Path, file_name: str = "") -> Sheet:
    """Opens the first sheet of an xlsx, xls or csv file; raises ImportFileError when it can't."""
    path = Path(path)
    name = (file_name or path.name).lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ImportFileError(_("The file could not be opened.")) from exc
    if not head:
        raise ImportFileError(_("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        kind = "xlsx"
    elif head == OLE_MAGIC:
        kind = "xls"
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(
            _(
                "The file is not a valid Excel workbook (it may be damaged). Save it again from Excel or WPS."
            )
        )
    else:
        kind = "csv"
    sheet = Sheet(path=path, kind=kind)
    try:
        if kind == "xlsx":
            _xlsx_open(sheet)
        elif kind == "xls":
            sheet.estimated_rows = _xls_count(path)
        else:
            sheet.encoding = detect_encoding(path)
        # Read the first rows now so a damaged file fails here, before anything is written.
        for _index, _row in zip(range(5), sheet.rows(), strict=False):
            pass
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel or CSV file (%(error)s).")
            % {"error": exc.__class__.__name__}
        ) from exc
    return sheet


# --- xlsx ----------------------------------------------------------------------------------


def _xlsx_open(sheet: Sheet) -> None:
    from xiaoyou.alumni.importing.xlsx import XlsxBook

    # Formulas give their cached values, never formulas (see importing/xlsx.py).
    sheet.workbook = XlsxBook(sheet.path)
    sheet.estimated_rows = sheet.workbook.estimate_rows()


def _xlsx_rows(sheet: Sheet) -> Iterator[list[Any]]:
    if sheet.workbook is None:
        _xlsx_open(sheet)
    yield from sheet.workbook.rows()


# --- xls -----------------------------------------------------------------------------------


def _xls_count(path: Path) -> int:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        return int(book.sheet_by_index(0).nrows)
    finally:
        book.release_resources()


def _xls_rows(path: Path) -> Iterator[list[Any]]:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            cells = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value: Any = xlrd.xldate_as_datetime(cell.value, book.datemode)
                    if isinstance(value, dt.datetime) and value.time() == dt.time():
                        value = value.date()
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                else:
                    value = cell.value
                cells.append(value)
            yield cells
    finally:
        book.release_resources()


# --- csv -----------------------------------------------------------------------------------


def detect_encoding(path: Path, sample_size: int = 256 * 1024) -> str:
    """utf-8-sig (with BOM), utf-8, or gb18030 (a superset of GBK, what Excel and WPS save)."""
    with path.open("rb") as handle:
        sample = handle.read(sample_size)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: a character cut at the end of the sample is not an error.
        decoder.decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise ImportFileError(_("The text file is neither UTF-8 nor GBK encoded.")) from None


def _dialect(handle: IO[str]) -> type[csv.Dialect] | csv.Dialect:
    sample = handle.read(64 * 1024)
    handle.seek(0)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return csv.excel


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    with path.open("r", encoding=encoding or "utf-8", newline="") as handle:
        dialect = _dialect(handle)
        try:
            for row in csv.reader(handle, dialect):
                yield [cell if cell != "" else None for cell in row]
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The text file is neither UTF-8 nor GBK encoded.")) from exc


def rows_of_bytes(data: bytes, name: str) -> Iterator[list[Any]]:  # pragma: no cover - helper
    """Rows of an in-memory file (tests, previews of small files)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as handle:
        handle.write(data)
        handle.flush()
        yield from open_sheet(handle.name, name).rows()


__all__ = ["ImportFileError", "Sheet", "detect_encoding", "io", "open_sheet"]
