"""A streaming reader of the first sheet of an .xlsx file, on expat.

openpyxl's read-only mode builds an object per shared string and per cell, and computes the
sheet's size by parsing the whole sheet when a streaming writer left out <dimension>: on a
million-row registrar export that is most of the import's time. Importing needs only each
cell's value, so this reads the package parts directly (SpreadsheetML, ECMA-376 part 1 §18):
the workbook for the first sheet and the 1904 flag, the shared-strings table (phonetic runs
<rPh> left out), the styles' number formats to tell dates, then the sheet XML row by row.
Formulas give their cached value (<v>), never the formula. Values are what openpyxl's
`iter_rows(values_only=True)` gives (tests compare the two on the messy fixtures).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SEP = "|"  # namespace separator given to expat: "uri|local"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
READ_SIZE = 256 * 1024


def _parser() -> Any:
    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.buffer_text = True
    return parser


def _feed(parser: Any, handle: Any) -> None:
    while chunk := handle.read(READ_SIZE):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _local(name: str) -> str:
    return name.rsplit(SEP, 1)[-1]


def _part_name(target: str) -> str:
    """A relationship target of xl/workbook.xml as a name inside the zip."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


class XlsxBook:
    """The parts of a workbook needed to read its first sheet's values."""

    def __init__(self, path: Any) -> None:
        self.zip = zipfile.ZipFile(path)
        self.epoch = CALENDAR_WINDOWS_1900
        self.parts: dict[str, str] = {}  # relationship type (last segment) -> part name
        self.sheet_path = self._first_sheet_path()
        self.shared: list[str] = self._shared_strings()
        self.date_styles, self.timedelta_styles = self._styles()
        self.dimension_rows: int | None = None

    def close(self) -> None:
        self.zip.close()

    # --- package parts -----------------------------------------------------------------

    def _part(self, name: str) -> zipfile.ZipInfo | None:
        try:
            return self.zip.getinfo(name)
        except KeyError:
            return None

    def _first_sheet_path(self) -> str:
        sheet_rid = ""

        def workbook_start(name: str, attrs: dict[str, str]) -> None:
            nonlocal sheet_rid
            local = _local(name)
            if local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif local == "sheet" and not sheet_rid:
                sheet_rid = attrs.get(f"{NS_REL}{SEP}id", "")

        parser = _parser()
        parser.StartElementHandler = workbook_start
        with self.zip.open("xl/workbook.xml") as handle:
            _feed(parser, handle)
        targets: dict[str, str] = {}

        def rels_start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship":
                target = _part_name(attrs.get("Target", ""))
                targets[attrs.get("Id", "")] = target
                self.parts.setdefault(attrs.get("Type", "").rsplit("/", 1)[-1], target)

        parser = _parser()
        parser.StartElementHandler = rels_start
        with self.zip.open("xl/_rels/workbook.xml.rels") as handle:
            _feed(parser, handle)
        target = targets.get(sheet_rid, "")
        if not target:
            raise ValueError("the workbook has no sheet")
        return target

    def _shared_strings(self) -> list[str]:
        info = self._part(self.parts.get("sharedStrings", "xl/sharedStrings.xml"))
        if info is None:
            return []
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(name: str, _attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif local in ("rPh", "phoneticPr"):
                state["phonetic"] += 1
            elif local == "si":
                parts.clear()

        def end(name: str) -> None:
            local = _local(name)
            if local == "t":
                state["in_t"] = False
            elif local in ("rPh", "phoneticPr"):
                state["phonetic"] -= 1
            elif local == "si":
                strings.append("".join(parts))

        def text(data: str) -> None:
            if state["in_t"]:
                parts.append(data)

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        with self.zip.open(info) as handle:
            _feed(parser, handle)
        return strings

    def _styles(self) -> tuple[set[int], set[int]]:
        info = self._part(self.parts.get("styles", "xl/styles.xml"))
        if info is None:
            return set(), set()
        formats: dict[int, str] = dict(BUILTIN_FORMATS.items())
        xf_formats: list[int] = []
        state = {"cell_xfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "numFmt":
                formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["cell_xfs"] = True
            elif local == "xf" and state["cell_xfs"]:
                xf_formats.append(int(attrs.get("numFmtId", "0")))

        def end(name: str) -> None:
            if _local(name) == "cellXfs":
                state["cell_xfs"] = False

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        with self.zip.open(info) as handle:
            _feed(parser, handle)
        dates: set[int] = set()
        timedeltas: set[int] = set()
        for style, format_id in enumerate(xf_formats):
            code = formats.get(format_id, "")
            if code and is_timedelta_format(code):
                timedeltas.add(style)
            elif code and is_date_format(code):
                dates.add(style)
        return dates, timedeltas

    # --- the sheet ---------------------------------------------------------------------

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the first, as lists of values; missing rows come as []."""
        shared = self.shared
        date_styles, timedelta_styles, epoch = self.date_styles, self.timedelta_styles, self.epoch
        ready: list[list[Any]] = []
        row: dict[int, Any] = {}
        cell: dict[str, Any] = {"ref": None, "type": "n", "style": 0, "in_value": False}
        names: dict[str, str] = {}
        phonetic = [0]
        text: list[str] = []
        state = {"next_row": 1, "row_number": 0, "next_col": 0, "width": 0}

        def value_of(raw: str, kind: str, style: int) -> Any:
            if kind == "s":
                return shared[int(raw)]
            if kind in ("str", "inlineStr", "e"):
                return raw
            if kind == "b":
                return raw in ("1", "true")
            if kind == "d":
                return dt.datetime.fromisoformat(raw.rstrip("Z"))
            if raw == "":
                return None
            number: Any = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style in date_styles:
                return from_excel(number, epoch)
            if style in timedelta_styles:
                return from_excel(number, epoch, timedelta=True)
            return number

        def start(name: str, attrs: dict[str, str]) -> None:
            local = names.get(name) or names.setdefault(name, _local(name))
            if local == "c":
                cell["ref"] = attrs.get("r")
                cell["type"] = attrs.get("t", "n")
                cell["style"] = int(attrs.get("s", "0"))
                text.clear()
            elif local in ("v", "t") and not phonetic[0]:
                cell["in_value"] = True
            elif local == "row":
                number = attrs.get("r")
                state["row_number"] = int(number) if number else state["next_row"]
                state["next_col"] = 0
                row.clear()
            elif local == "rPh":
                phonetic[0] += 1  # phonetic run inside an inline string: skipped
            elif local == "dimension":
                match = CELL_REF.fullmatch([*attrs.get("ref", "").split(":"), ""][1])
                if match:
                    self.dimension_rows = int(match.group(2))
                    state["width"] = _column_index(match.group(1)) + 1

        def end(name: str) -> None:
            local = names.get(name) or names.setdefault(name, _local(name))
            if local in ("v", "t"):
                cell["in_value"] = False
            elif local == "rPh":
                phonetic[0] -= 1
            elif local == "c":
                ref = cell["ref"]
                if ref:
                    match = CELL_REF.match(ref)
                    column = _column_index(match.group(1)) if match else state["next_col"]
                else:
                    column = state["next_col"]
                state["next_col"] = column + 1
                raw = "".join(text)
                if raw != "":  # a cell without <v> is empty, whatever its type
                    row[column] = value_of(raw, cell["type"], cell["style"])
                cell["ref"] = None
            elif local == "row":
                number = state["row_number"]
                while state["next_row"] < number:
                    ready.append([])  # rows the file leaves out are empty rows
                    state["next_row"] += 1
                width = max(state["width"], (max(row) + 1) if row else 0)
                values: list[Any] = [None] * width
                for column, value in row.items():
                    values[column] = value
                ready.append(values)
                state["next_row"] = number + 1

        def characters(data: str) -> None:
            if cell["in_value"]:
                text.append(data)

        parser = _parser()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        with self.zip.open(self.sheet_path) as handle:
            while chunk := handle.read(READ_SIZE):
                parser.Parse(chunk, False)
                if ready:
                    yield from ready
                    ready.clear()
            parser.Parse(b"", True)
        yield from ready

    def estimate_rows(self, sample_rows: int = 200) -> int | None:
        """The row count from <dimension>, else extrapolated from the first rows' size."""
        info = self.zip.getinfo(self.sheet_path)
        position = 0
        counter = {"rows": 0}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "dimension":
                match = CELL_REF.fullmatch([*attrs.get("ref", "").split(":"), ""][1])
                if match:
                    self.dimension_rows = int(match.group(2))
            elif local == "row":
                counter["rows"] += 1

        parser = _parser()
        parser.StartElementHandler = start
        with self.zip.open(info) as handle:
            while counter["rows"] < sample_rows and (chunk := handle.read(64 * 1024)):
                parser.Parse(chunk, False)
                position += len(chunk)
                if self.dimension_rows:
                    break
        if self.dimension_rows and self.dimension_rows > 1:
            return self.dimension_rows
        seen = counter["rows"]
        if seen == 0 or position == 0:
            return None
        if position >= info.file_size:
            return seen
        return int(info.file_size * seen / position)
