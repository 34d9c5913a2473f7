"""Finding the header of a spreadsheet: titles above it, two header rows merged into one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xiaoyou.alumni.importing.fields import score_headers, suggest_field, synonyms_table
from xiaoyou.alumni.importing.normalize import text

SCAN_ROWS = 20


@dataclass(frozen=True)
class Header:
    """`labels` per column; data starts at 0-based row `data_start` (the sheet's row + 1)."""

    labels: list[str]
    header_rows: tuple[int, ...]
    data_start: int


def _label(value: Any) -> str:
    return text(value)


def _merged(top: Sequence[Any], bottom: Sequence[Any], table: dict[str, str]) -> list[str]:
    """One label per column from two header rows.

    A group label merged across columns (联系方式 over 手机 | 邮箱) is only in its first cell:
    it is carried right while the lower row has labels under it. A label merged down two rows
    (姓名) is only in the top row: it is used as is.
    """
    width = max(len(top), len(bottom))
    labels: list[str] = []
    group = ""
    for index in range(width):
        upper = _label(top[index]) if index < len(top) else ""
        lower = _label(bottom[index]) if index < len(bottom) else ""
        if upper:
            group = upper
        if lower:
            if group and not suggest_field(lower, table) and suggest_field(group + lower, table):
                labels.append(group + lower)
            elif group and group != lower:
                labels.append(f"{group}/{lower}")
            else:
                labels.append(lower)
        else:
            labels.append(upper)
            group = "" if not upper else group
    return labels


def detect_header(rows: Iterable[Sequence[Any]], custom_fields: Iterable[Any] = ()) -> Header:
    """The most plausible header among the first rows: the row (or pair of rows) naming the
    most known fields. Blank and title rows above it are skipped."""
    table = synonyms_table(custom_fields)
    scanned = [list(row) for _, row in zip(range(SCAN_ROWS), rows, strict=False)]
    best: tuple[int, int, Header] | None = None
    for index, row in enumerate(scanned):
        single = [_label(value) for value in row]
        score = score_headers(single, table)
        candidates = [(score, 1, Header(single, (index,), index + 1))]
        if index + 1 < len(scanned):
            merged = _merged(row, scanned[index + 1], table)
            merged_score = score_headers(merged, table)
            lower_score = score_headers([_label(v) for v in scanned[index + 1]], table)
            # Two rows only when the pair names more fields than either row alone.
            if merged_score > score and merged_score > lower_score:
                candidates.append((merged_score, 0, Header(merged, (index, index + 1), index + 2)))
        for candidate_score, preference, header in candidates:
            if best is None or (candidate_score, preference) > (best[0], best[1]):
                best = (candidate_score, preference, header)
    if best is None or best[0] == 0:
        # No known header word: the first non-blank row is still taken as the header (files
        # nearly always have one); its columns are then mapped by hand.
        first = next((i for i, row in enumerate(scanned) if any(_label(v) for v in row)), None)
        if first is None:
            return Header([], (), 0)
        best = (0, 1, Header([_label(v) for v in scanned[first]], (first,), first + 1))
    header = best[2]
    labels = list(header.labels)
    while labels and not labels[-1]:
        labels.pop()
    labels = [label or f"#{i + 1}" for i, label in enumerate(labels)]
    return Header(labels, header.header_rows, header.data_start)
