"""The record mirrors its primary degree entry: an import that changes a record's degree
columns (department, major, class, level, years, student number) changes the entry too."""

from __future__ import annotations

from typing import Any

from xiaoyou.alumni.importing.fastinsert import update_rows
from xiaoyou.alumni.models import AlumniRecord, DegreeEntry, DegreeLevel

# Record columns mirrored from the primary degree entry -> the entry's fields.
DEGREE_MIRROR = {
    "degree_level": "level",
    "department_id": "department_id",
    "major_id": "major_id",
    "class_name": "class_name",
    "student_id": "student_id",
    "enrollment_year": "enrollment_year",
    "graduation_year": "graduation_year",
}


def _blank(entry_field: str) -> Any:
    return "" if entry_field in ("class_name", "student_id") else None


def primary_degrees_update(updates: list[tuple[AlumniRecord, dict[str, tuple[Any, Any]]]]) -> None:
    """The record mirrors its primary degree entry: changed degree columns go there too
    (a record without entries gets its primary one)."""
    touched = {
        record.pk: record
        for record, changes in updates
        if any(field_key in DEGREE_MIRROR for field_key in changes)
    }
    if not touched:
        return
    entries = {
        entry.record_id: entry
        for entry in DegreeEntry.objects.filter(record_id__in=touched, is_primary=True)
    }
    changed: list[DegreeEntry] = []
    missing: list[DegreeEntry] = []
    for pk, record in touched.items():
        entry = entries.get(pk)
        if entry is None:
            entry = DegreeEntry(record_id=pk, is_primary=True)
            missing.append(entry)
        else:
            changed.append(entry)
        for record_field, entry_field in DEGREE_MIRROR.items():
            value = getattr(record, record_field)
            if entry_field == "level":
                value = value or DegreeLevel.BACHELOR.value
            setattr(entry, entry_field, value if value is not None else _blank(entry_field))
    if changed:
        update_rows(DegreeEntry, changed, DEGREE_MIRROR.values())
    if missing:
        DegreeEntry.objects.bulk_create(missing)
