"""Search filters on custom fields (扩展信息), one kind per field type, on SQLite and PostgreSQL.

Values live in `AlumniRecord.custom_data[key]` as `validate_custom_data` stores them: text, URL
and single choice as strings, numbers as JSON numbers, dates as "YYYY-MM-DD" strings, multiple
choice as a list of strings. A `CustomFilter` names one field and what to match:

- text, URL: `contains` (case-insensitive fragment);
- number: `min` / `max` (inclusive, either may be open);
- date: `min` / `max` as "YYYY-MM-DD" (inclusive; ISO dates compare as strings);
- single choice: `any_of` (the value is one of these);
- multiple choice: `any_of` (has at least one of these) and/or `all_of` (has every one).

A value of the wrong JSON type never matches (a string "12" is not the number 12), so a range
filter never mixes numbers and text. Filters of different fields are ANDed.

SQL: SQLite JSON1 (`json_type`, `json_extract`, `json_each` for lists); PostgreSQL jsonb
(`jsonb_typeof`, `->>`; choices through `custom_data @> '{"key": ...}'`, which the GIN index
`alumni_record_custom_gin` (jsonb_path_ops, migration 0007) answers; "has all" is written as
one containment per value so the planner estimates each with the column statistics).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, TextField
from django.db.models.lookups import GreaterThanOrEqual, IContains, In, LessThanOrEqual

from xiaoyou.alumni.models import AlumniRecord, CustomField, CustomFieldType

RANGE_TYPES = (CustomFieldType.NUMBER, CustomFieldType.DATE)
CHOICE_TYPES = (CustomFieldType.CHOICE, CustomFieldType.MULTIPLE_CHOICE)
CONTAINS_TYPES = (CustomFieldType.TEXT, CustomFieldType.URL)
MAX_VALUES = 50  # chosen values per field


@dataclass
class CustomFilter:
    key: str
    contains: str = ""
    min: float | str | None = None  # a number, or "YYYY-MM-DD" for dates
    max: float | str | None = None
    any_of: list[str] = field(default_factory=list)
    all_of: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return (
            not self.contains
            and self.min is None
            and self.max is None
            and not self.any_of
            and not self.all_of
        )


def _path(key: str) -> str:
    return '$."' + key + '"'


class JsonValue(Func):
    """custom_data[key] when it is a JSON number (kind "number"), string ("string") or an ISO
    date string ("date"), else NULL; the column is compiled by Django, so the table aliases of
    subqueries stay right."""

    def __init__(self, key: str, kind: str) -> None:
        self.key, self.kind = key, kind
        output = FloatField() if kind == "number" else TextField()
        super().__init__(F("custom_data"), output_field=output)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.get_source_expressions()[0])
        key = self.key if connection.vendor == "postgresql" else _path(self.key)
        if connection.vendor == "postgresql":
            value = f"({column} ->> %s)"
            typed = f"jsonb_typeof({column} -> %s) = '{'number' if self.kind == 'number' else 'string'}'"
            if self.kind == "date":
                typed += f" AND {value} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'"
            if self.kind == "number":
                value += "::float8"
        else:
            value = f"json_extract({column}, %s)"
            types = "('integer', 'real')" if self.kind == "number" else "('text')"
            typed = f"json_type({column}, %s) IN {types}"
            if self.kind == "date":
                typed += f" AND {value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
        sql = f"(CASE WHEN {typed} THEN {value} END)"
        # Every use of the column is followed by the key's placeholder.
        uses = sql.count("%s") // (1 + column.count("%s"))
        return sql, [*params, key] * uses


class JsonListMatch(Func):
    """SQLite: the list custom_data[key] holds any (or all) of `values` (json_each)."""

    output_field = BooleanField()

    def __init__(self, key: str, values: list[str], *, every: bool) -> None:
        self.key, self.values, self.every = key, sorted(set(values)), every
        super().__init__(F("custom_data"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.get_source_expressions()[0])
        marks = ", ".join(["%s"] * len(self.values))
        source = f"json_each({column}, %s) AS cf_item WHERE cf_item.value IN ({marks})"
        args = [*params, _path(self.key), *self.values]
        if self.every:
            sql = f"((SELECT COUNT(DISTINCT cf_item.value) FROM {source}) = %s)"  # noqa: S608
            return sql, [
                *args,
                len(self.values),
            ]
        return f"EXISTS (SELECT 1 FROM {source})", args  # noqa: S608 (values are parameters)


def _contained(key: str, values: Iterable[Any]) -> Q:
    query = Q()
    for value in values:
        query |= Q(custom_data__contains={key: value})
    return query


def _choice_q(key: str, kind: str, item: CustomFilter, vendor: str) -> Q | None:
    query = Q()
    if kind == CustomFieldType.CHOICE and item.any_of:
        if vendor == "postgresql":
            return _contained(key, item.any_of)
        return Q(In(JsonValue(key, "string"), sorted(set(item.any_of))))
    if kind != CustomFieldType.MULTIPLE_CHOICE:
        return None
    if item.any_of:
        if vendor == "postgresql":
            query &= _contained(key, ([value] for value in item.any_of))
        else:
            query &= Q(JsonListMatch(key, item.any_of, every=False))
    if item.all_of:
        if vendor == "postgresql":
            for value in sorted(set(item.all_of)):
                query &= Q(custom_data__contains={key: [value]})
        else:
            query &= Q(JsonListMatch(key, item.all_of, every=True))
    return query


def apply_custom_filters(
    queryset: QuerySet[AlumniRecord], filters: Iterable[CustomFilter]
) -> QuerySet[AlumniRecord]:
    """`queryset` narrowed by every non-empty filter of a known field (others are ignored)."""
    wanted = [item for item in filters if not item.is_empty()]
    if not wanted:
        return queryset
    kinds = dict(
        CustomField.objects.filter(key__in={item.key for item in wanted}).values_list("key", "type")
    )
    vendor = connections[queryset.db].vendor
    for item in wanted:
        kind = kinds.get(item.key)
        if kind is None:
            continue
        if kind in CONTAINS_TYPES and item.contains:
            queryset = queryset.filter(IContains(JsonValue(item.key, "string"), item.contains))
        elif kind in RANGE_TYPES:
            value = JsonValue(item.key, "number" if kind == CustomFieldType.NUMBER else "date")
            if item.min is not None:
                queryset = queryset.filter(GreaterThanOrEqual(value, item.min))
            if item.max is not None:
                queryset = queryset.filter(LessThanOrEqual(value, item.max))
        elif kind in CHOICE_TYPES:
            query = _choice_q(item.key, kind, item, vendor)
            if query:
                queryset = queryset.filter(query)
    return queryset


# --- Parsing (the API's "key:value" parameters) -----------------------------------------------


def parse_bound(kind: str, text: str) -> float | str:
    """A range bound of a number or date field; ValueError when it is not one."""
    text = text.strip()
    if kind == CustomFieldType.NUMBER:
        number = float(text.replace(",", ""))
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(text)
        return number
    return datetime.date.fromisoformat(text).isoformat()


def custom_filters_from_pairs(
    *,
    values: Iterable[str] = (),
    minimums: Iterable[str] = (),
    maximums: Iterable[str] = (),
    every: Iterable[str] = (),
) -> tuple[list[CustomFilter], dict[str, str]]:
    """Filters from "key:value" strings: `values` contain (text, URL), are one of (choice), are
    had (multiple choice: any) or equal (number, date); `minimums`/`maximums` bound numbers and
    dates; `every` lists values a multiple choice must all have. Returns (filters, errors by
    parameter)."""
    kinds = dict(CustomField.objects.values_list("key", "type"))
    found: dict[str, CustomFilter] = {}
    errors: dict[str, str] = {}

    def pairs(items: Iterable[str], name: str) -> Iterable[tuple[str, str, CustomFilter]]:
        for raw in items:
            key, _sep, value = raw.partition(":")
            key, value = key.strip(), value.strip()
            if not key or not value:
                continue
            kind = kinds.get(key)
            if kind is None:
                errors[name] = f"unknown custom field: {key}"
                continue
            yield kind, value, found.setdefault(key, CustomFilter(key=key))

    for kind, value, item in pairs(values, "custom"):
        if kind in CONTAINS_TYPES:
            item.contains = value
        elif kind in CHOICE_TYPES:
            item.any_of = [*item.any_of, value][:MAX_VALUES]
        else:
            try:
                item.min = item.max = parse_bound(kind, value)
            except ValueError:
                errors["custom"] = f"not a {kind}: {value}"
    for name, items, side in (("custom_min", minimums, "min"), ("custom_max", maximums, "max")):
        for kind, value, item in pairs(items, name):
            if kind not in RANGE_TYPES:
                errors[name] = f"{item.key} is not a number or date field"
                continue
            try:
                setattr(item, side, parse_bound(kind, value))
            except ValueError:
                errors[name] = f"not a {kind}: {value}"
    for kind, value, item in pairs(every, "custom_all"):
        if kind != CustomFieldType.MULTIPLE_CHOICE:
            errors["custom_all"] = f"{item.key} is not a multiple choice field"
            continue
        item.all_of = [*item.all_of, value][:MAX_VALUES]
    return list(found.values()), errors
