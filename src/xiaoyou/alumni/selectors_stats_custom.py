"""校友统计 of the custom fields: distributions of the single and multiple choice fields.

A multiple choice value is a list in AlumniRecord.custom_data; each item counts once, in one
GROUP BY over the JSON (SQLite json_each, PostgreSQL jsonb_array_elements_text).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from xiaoyou.alumni.models import AlumniRecord, CustomField
from xiaoyou.alumni.models.custom_fields import CustomFieldType
from xiaoyou.alumni.selectors_stats import CUSTOM_PREFIX, Chart, _chart, _ranked


def choice_fields() -> list[CustomField]:
    return list(
        CustomField.objects.filter(
            is_active=True, type__in=(CustomFieldType.CHOICE, CustomFieldType.MULTIPLE_CHOICE)
        ).order_by("order", "id")
    )


def _custom_value_counts(records: QuerySet[AlumniRecord], key: str) -> list[tuple[str, int]]:
    """Counts of each value of custom_data[key], a list's items counted one by one."""
    # `inner` is Django's own SQL of the scoped queryset (values are parameters); the key is
    # a parameter too (a SlugField on SQLite's JSON path, quoted).
    # The scoped records are a derived table (one scan, no `id IN (...)` semi-join), and only
    # the records holding the key are expanded.
    inner, params = records.values("custom_data").query.sql_with_params()
    if connection.vendor == "postgresql":
        sql = (
            "SELECT v.value, COUNT(*) FROM ("  # noqa: S608
            f"{inner}) r CROSS JOIN LATERAL "
            "jsonb_array_elements_text(CASE jsonb_typeof(r.custom_data -> %s) "
            "WHEN 'array' THEN r.custom_data -> %s WHEN 'string' THEN "
            "jsonb_build_array(r.custom_data -> %s) ELSE '[]'::jsonb END) AS v(value) "
            "GROUP BY v.value"
        )
        args: tuple[Any, ...] = (*params, key, key, key)
    else:
        path = '$."' + key.replace('"', "") + '"'
        sql = (
            f"SELECT j.value, COUNT(*) FROM ({inner}) r, "  # noqa: S608
            "json_each(r.custom_data, %s) j WHERE j.type = 'text' GROUP BY j.value"
        )
        args = (*params, path)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(str(value), int(n)) for value, n in cursor.fetchall() if value not in (None, "")]


def custom_chart(records: QuerySet[AlumniRecord], custom_field: CustomField) -> Chart:
    counts = dict(_custom_value_counts(records, custom_field.key))
    order = [str(choice) for choice in custom_field.choices or []]
    pairs = [(choice, counts.pop(choice, 0)) for choice in order]
    pairs += _ranked(counts)  # values no longer among the choices
    kind = "pie" if custom_field.type == CustomFieldType.CHOICE else "hbar"
    return _chart(
        CUSTOM_PREFIX + custom_field.key, custom_field.label, kind, custom_field.label, pairs
    )
