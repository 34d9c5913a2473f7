"""Rows of an import: cells to clean record values, one translated error per bad field.

`clean_row` is the one validator of a spreadsheet row (the preview, the dry run and the run
use it); `Lookups` resolves department and major names (current and former) once per import;
`key_of` gives a row's value of the matching key (student number, phone, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xiaoyou.alumni import sensitive
from xiaoyou.alumni.importing import normalize as norm
from xiaoyou.alumni.importing.fields import CUSTOM_PREFIX, FIELDS_BY_KEY, KEY_FIELDS
from xiaoyou.alumni.models import AlumniRecord, CustomField, Department, DepartmentAlias, Major

# Plain text columns: value -> text, cut to the column's length.
TEXT_FIELDS = (
    "former_name",
    "english_name",
    "class_name",
    "wechat",
    "address",
    "employer",
    "position",
    "industry",
    "city",
    "province",
    "country",
)
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (1-based)
    cells: list[Any]
    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def reason(self) -> str:
        return "; ".join(
            f"{label}: {message}" if label else message for label, message in self.errors.items()
        )


class Lookups:
    """Departments (with former names) and majors by name, loaded once per import."""

    def __init__(self) -> None:
        self.departments: dict[str, int] = {}
        merged: dict[int, int | None] = {}
        for pk, name, merged_into in Department.objects.values_list("pk", "name", "merged_into"):
            self.departments.setdefault(norm.compact(name), pk)
            merged[pk] = merged_into
        for department_id, name in DepartmentAlias.objects.values_list("department_id", "name"):
            self.departments.setdefault(norm.compact(name), department_id)
        # A merged college's records go to the college it became.
        for name, pk in list(self.departments.items()):
            seen = {pk}
            while merged.get(pk) and merged[pk] not in seen:
                pk = merged[pk]  # type: ignore[assignment]
                seen.add(pk)
            self.departments[name] = pk
        self.majors: dict[tuple[int, str], int] = {}
        self.majors_by_name: dict[str, list[tuple[int, int]]] = {}
        for pk, department_id, name in Major.objects.values_list("pk", "department_id", "name"):
            self.majors[(department_id, norm.compact(name))] = pk
            self.majors_by_name.setdefault(norm.compact(name), []).append((pk, department_id))


def _label(field_key: str, custom: dict[str, CustomField]) -> str:
    if field_key.startswith(CUSTOM_PREFIX):
        found = custom.get(field_key[len(CUSTOM_PREFIX) :])
        return str(found.label) if found else field_key
    return str(FIELDS_BY_KEY[field_key].label) if field_key in FIELDS_BY_KEY else field_key


def _cut(value: str, model_field: str) -> str:
    max_length = getattr(AlumniRecord._meta.get_field(model_field), "max_length", None) or 0
    return value[:max_length] if max_length else value


def clean_row(
    number: int,
    cells: Sequence[Any],
    mapping: dict[str, str],
    lookups: Lookups,
    custom: dict[str, CustomField],
) -> Row:
    """The row's cells turned into record values, with one translated error per bad field."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    custom_raw: dict[str, Any] = {}
    for column, field_key in mapping.items():
        if not field_key:
            continue
        index = int(column)
        raw = cells[index] if index < len(cells) else None
        try:
            if field_key.startswith(CUSTOM_PREFIX):
                if norm.text(raw):
                    custom_raw[field_key[len(CUSTOM_PREFIX) :]] = (
                        raw if not isinstance(raw, str) else norm.text(raw)
                    )
                continue
            value = _clean_value(field_key, raw)
        except ValueError as exc:
            errors[_label(field_key, custom)] = str(exc)
            continue
        if value not in (None, ""):
            values[field_key] = value
    name = values.get("name", "")
    if not name:
        errors.setdefault(_label("name", custom), _("A name is required"))
    elif name.startswith(FORMULA_START) or not any(ch.isalpha() for ch in name):
        errors.setdefault(_label("name", custom), _("Not a person's name"))
    # Departments and majors must exist (院系设置): a typo would otherwise create nothing.
    department_name = values.pop("department", "")
    if department_name:
        department_id = lookups.departments.get(norm.compact(department_name))
        if department_id is None:
            errors[_label("department", custom)] = _("Unknown department “%(name)s”") % {
                "name": department_name
            }
        else:
            values["department_id"] = department_id
    major_name = values.pop("major", "")
    if major_name:
        key = norm.compact(major_name)
        major_id = None
        if "department_id" in values:
            major_id = lookups.majors.get((values["department_id"], key))
        elif len(lookups.majors_by_name.get(key, [])) == 1:
            major_id, values["department_id"] = lookups.majors_by_name[key][0]
        if major_id is None:
            errors[_label("major", custom)] = _("Unknown major “%(name)s”") % {"name": major_name}
        else:
            values["major_id"] = major_id
    if custom_raw:
        from xiaoyou.alumni.custom_fields import validate_custom_data

        fields = [custom[key] for key in custom_raw if key in custom]
        clean, custom_errors = validate_custom_data(fields, custom_raw)
        for key, message in custom_errors.items():
            errors[_label(CUSTOM_PREFIX + key, custom)] = str(message)
        for key, value in clean.items():
            values[CUSTOM_PREFIX + key] = value
    enrolled, graduated = values.get("enrollment_year"), values.get("graduation_year")
    if enrolled and graduated and graduated < enrolled:
        errors[_label("graduation_year", custom)] = _("Graduation before enrollment")
    return Row(number, list(cells), values, errors)


def _clean_value(field_key: str, raw: Any) -> Any:
    if field_key == "birth_date":
        return norm.parse_date(raw)
    if field_key in ("enrollment_year", "graduation_year"):
        return norm.parse_year(raw)
    if field_key == "phone":
        return norm.parse_phone(raw)
    if field_key == "email":
        return norm.parse_email(raw)
    if field_key == "gender":
        return norm.parse_gender(raw)
    if field_key == "degree_level":
        return norm.parse_degree(raw)
    if field_key == "national_id":
        value = norm.compact(raw)
        if not value:
            return ""
        try:
            return sensitive.validate_national_id(value)
        except Exception as exc:  # ValidationError carries the translated message
            raise ValueError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
    if field_key == "student_id":
        return _cut(norm.compact(raw), "student_id")
    if field_key == "name":
        return _cut(norm.text(raw), "name")
    if field_key in ("department", "major"):
        return norm.text(raw)
    if field_key in TEXT_FIELDS:
        return _cut(norm.text(raw), field_key)
    return norm.text(raw)


def key_of(values: dict[str, Any], key: str) -> str | None:
    """The row's value of the matching key as text, None when the row lacks it."""
    parts = [values.get(name) for name in KEY_FIELDS[key]]
    if any(part in (None, "") for part in parts):
        return None
    if key == "national_id":
        return sensitive.national_id_hash(str(parts[0]))
    if key == "name_birth_date":
        return f"{parts[0]}|{parts[1].isoformat()}"  # type: ignore[union-attr]
    return str(parts[0])
