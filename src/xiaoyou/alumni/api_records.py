"""API of alumni records (档案): detail, create, update, delete/restore, history, custom fields.

The same services as the console: a record outside the caller's scope is a 404, a write the
caller may not do a 403, invalid input a 422 whose details name the fields. The national ID
number is only ever returned masked; it may be set (write-only) by staff.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import ValidationError

from xiaoyou.alumni import sensitive
from xiaoyou.alumni.custom_fields import active_custom_fields
from xiaoyou.alumni.models import (
    AlumniRecord,
    CustomField,
    DegreeLevel,
    Department,
    Gender,
    Major,
    RecordChange,
    RecordStatus,
)
from xiaoyou.alumni.policy import record_scope
from xiaoyou.alumni.services import records as services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.models import Organization

router = Router(tags=["alumni records"])


# --- Schemas ------------------------------------------------------------------------------------


class DegreeIn(Schema):
    id: int | None = Field(None, description="An existing entry to keep; omitted: a new one.")
    level: DegreeLevel = DegreeLevel.BACHELOR
    department_id: int | None = None
    major_id: int | None = None
    class_name: str = Field("", max_length=50)
    student_id: str = Field("", max_length=32)
    enrollment_year: int | None = Field(None, ge=1900, le=2100)
    graduation_year: int | None = Field(None, ge=1900, le=2100)
    is_primary: bool = False


class DegreeOut(Schema):
    id: int
    level: str
    department_id: int | None
    department: str
    major_id: int | None
    major: str
    class_name: str
    student_id: str
    enrollment_year: int | None
    graduation_year: int | None
    is_primary: bool


class ContactOut(Schema):
    kind: str
    value: str
    is_current: bool


class RecordOut(Schema):
    id: int
    org_id: int
    name: str
    former_name: str
    english_name: str
    gender: str
    birth_date: datetime.date | None
    lunar_birth_date: str
    student_id: str
    national_id: str = Field(..., description="Masked: the last four characters only.")
    degree_level: str
    department_id: int | None
    department: str
    major_id: int | None
    major: str
    class_name: str
    enrollment_year: int | None
    graduation_year: int | None
    phone: str
    email: str
    wechat: str
    address: str
    city: str
    province: str
    country: str
    employer: str
    position: str
    industry: str
    tags: list[str]
    status: str
    is_key_alumnus: bool
    source: str
    verification: str
    custom_data: dict[str, Any]
    degrees: list[DegreeOut]
    contacts: list[ContactOut]
    deleted: bool
    updated_at: datetime.datetime


class RecordIn(Schema):
    """Fields to set; on PATCH only the fields sent change."""

    name: str | None = Field(None, max_length=50)
    former_name: str | None = Field(None, max_length=50)
    english_name: str | None = Field(None, max_length=100)
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    lunar_birth_date: str | None = Field(None, max_length=20)
    student_id: str | None = Field(None, max_length=32)
    national_id: str | None = Field(None, max_length=24, description="Write-only; empty clears.")
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    wechat: str | None = Field(None, max_length=60)
    address: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=60)
    province: str | None = Field(None, max_length=60)
    country: str | None = Field(None, max_length=60)
    employer: str | None = Field(None, max_length=150)
    position: str | None = Field(None, max_length=100)
    industry: str | None = Field(None, max_length=60)
    status: RecordStatus | None = None
    is_key_alumnus: bool | None = None
    custom_data: dict[str, Any] | None = None
    tags: list[str] | None = None
    degrees: list[DegreeIn] | None = Field(None, description="Replaces all degree entries.")


class RecordCreateIn(RecordIn):
    name: str = Field(..., min_length=1, max_length=50)  # type: ignore[assignment]
    org_id: int | None = Field(None, description="Keeping organization; default: the main one.")


class ChangeOut(Schema):
    id: int
    field: str
    old_value: Any
    new_value: Any
    source: str
    actor_id: int | None
    actor: str
    created_at: datetime.datetime


class CustomFieldOut(Schema):
    key: str
    label: str
    type: str
    is_required: bool
    choices: list[str]
    pattern: str
    min_value: float | None
    max_value: float | None
    help_text: str


# --- Helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or request.user


def _record(request: HttpRequest, record_id: int) -> AlumniRecord:
    record = (
        record_scope(AlumniRecord.objects.select_related("department", "major"), _user(request))
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise ApplicationError("not_found", status=404)
    return record


def _record_out(record: AlumniRecord, viewer: Any = None) -> dict[str, Any]:
    """The record's body; with `viewer`, the alumnus's privacy settings apply to it (fields
    hidden from staff blank, their contact history left out; xiaoyou.directory.staff)."""
    degrees = record.degrees.select_related("department", "major").order_by("id")
    data = {
        **{
            name: getattr(record, name)
            for name in (
                "id",
                "org_id",
                "name",
                "former_name",
                "english_name",
                "gender",
                "birth_date",
                "lunar_birth_date",
                "student_id",
                "degree_level",
                "department_id",
                "major_id",
                "class_name",
                "enrollment_year",
                "graduation_year",
                "phone",
                "email",
                "wechat",
                "address",
                "city",
                "province",
                "country",
                "employer",
                "position",
                "industry",
                "status",
                "is_key_alumnus",
                "source",
                "verification",
                "updated_at",
            )
        },
        "national_id": sensitive.masked_national_id(record),
        "department": record.department.name if record.department else "",
        "major": record.major.name if record.major else "",
        "tags": sorted(record.tags.values_list("name", flat=True)),
        "custom_data": record.custom_data or {},
        "deleted": record.deleted_at is not None,
        "degrees": [
            {
                "id": entry.pk,
                "level": entry.level,
                "department_id": entry.department_id,
                "department": entry.department.name if entry.department else "",
                "major_id": entry.major_id,
                "major": entry.major.name if entry.major else "",
                "class_name": entry.class_name,
                "student_id": entry.student_id,
                "enrollment_year": entry.enrollment_year,
                "graduation_year": entry.graduation_year,
                "is_primary": entry.is_primary,
            }
            for entry in degrees
        ],
        "contacts": [
            {"kind": point.kind, "value": point.value, "is_current": point.is_current}
            for point in record.contacts.order_by("kind", "-is_current", "id")
        ],
    }
    if viewer is None:
        return data
    from xiaoyou.directory.staff import redact_record_data

    return redact_record_data(viewer, record, data)


def _invalid(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as the API's 422 with one entry per field."""
    if hasattr(error, "error_dict"):
        items = [
            {"loc": ["body", key], "msg": message, "type": "value_error"}
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        items = [
            {"loc": ["body"], "msg": message, "type": "value_error"} for message in error.messages
        ]
    return ValidationError(items)


def _degrees(payload: list[DegreeIn]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index, degree in enumerate(payload):
        data = degree.dict()
        department = major = None
        department_id, major_id = data.pop("department_id"), data.pop("major_id")
        if department_id is not None:
            department = Department.objects.filter(pk=department_id).first()
            if department is None:
                raise ValidationError(
                    [
                        {
                            "loc": ["body", "degrees", str(index), "department_id"],
                            "msg": "no such department",
                            "type": "value_error",
                        }
                    ]
                )
        if major_id is not None:
            major = Major.objects.filter(pk=major_id).first()
            if major is None:
                raise ValidationError(
                    [
                        {
                            "loc": ["body", "degrees", str(index), "major_id"],
                            "msg": "no such major",
                            "type": "value_error",
                        }
                    ]
                )
        data.update(department=department, major=major)
        if data["id"] is None:
            data.pop("id")
        rows.append(data)
    return rows


def _changes(payload: RecordIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    for key in ("tags", "degrees", "org_id"):
        data.pop(key, None)
    for key, value in list(data.items()):
        if value is None and key not in ("birth_date", "national_id", "custom_data"):
            if key in ("name", "status", "is_key_alumnus"):
                raise ValidationError(
                    [{"loc": ["body", key], "msg": "may not be null", "type": "value_error"}]
                )
            data[key] = ""
    if "national_id" in data and data["national_id"] is None:
        data["national_id"] = ""
    return data


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("/alumni/records/{record_id}", response=RecordOut, summary="One alumni record")
def record_detail(request: HttpRequest, record_id: int) -> Any:
    return _record_out(_record(request, record_id), _user(request))


@router.post(
    "/alumni/records", response={201: RecordOut}, summary="Create an alumni record (staff)"
)
def record_create(request: HttpRequest, payload: RecordCreateIn) -> Any:
    user = _user(request)
    if payload.org_id is not None:
        org = Organization.objects.filter(pk=payload.org_id).first()
        if org is None:
            raise ValidationError(
                [{"loc": ["body", "org_id"], "msg": "no such organization", "type": "value_error"}]
            )
    else:
        org = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    try:
        record = services.record_create(
            actor=user,
            org=org,
            data=_changes(payload),
            degrees=_degrees(payload.degrees or []),
            tags=payload.tags or [],
        )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Status(201, _record_out(record, _user(request)))


@router.patch(
    "/alumni/records/{record_id}", response=RecordOut, summary="Change fields of a record"
)
def record_update(request: HttpRequest, record_id: int, payload: RecordIn) -> Any:
    user = _user(request)
    record = _record(request, record_id)
    try:
        record = services.record_update(
            actor=user,
            record=record,
            changes=_changes(payload),
            degrees=_degrees(payload.degrees) if payload.degrees is not None else None,
        )
        if payload.tags is not None:
            current = set(record.tags.values_list("name", flat=True))
            wanted = {tag.strip() for tag in payload.tags if tag.strip()}
            if wanted - current:
                services.record_tags_add(actor=user, record=record, names=sorted(wanted - current))
            if current - wanted:
                services.record_tags_remove(
                    actor=user, record=record, names=sorted(current - wanted)
                )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return _record_out(AlumniRecord.objects.get(pk=record.pk), _user(request))


@router.delete(
    "/alumni/records/{record_id}", response={204: None}, summary="Delete a record (restorable)"
)
def record_delete(request: HttpRequest, record_id: int) -> Any:
    services.record_soft_delete(actor=_user(request), record=_record(request, record_id))
    return Status(204, None)


@router.post(
    "/alumni/records/{record_id}/restore", response=RecordOut, summary="Restore a deleted record"
)
def record_restore(request: HttpRequest, record_id: int) -> Any:
    record = services.record_restore(actor=_user(request), record=_record(request, record_id))
    return _record_out(record, _user(request))


@router.get(
    "/alumni/records/{record_id}/history",
    response=list[ChangeOut],
    summary="Every change of a record, newest first",
)
def record_history(request: HttpRequest, record_id: int) -> Any:
    record = _record(request, record_id)
    from xiaoyou.directory.staff import hidden_fields_for_staff

    # Privacy settings (xiaoyou.directory): no old or new value of a field hidden from staff.
    hidden = hidden_fields_for_staff(_user(request), [record]).get(record.pk, set())
    return [
        {
            "id": change.pk,
            "field": change.field,
            "old_value": "" if change.field in hidden else change.old_value,
            "new_value": "" if change.field in hidden else change.new_value,
            "source": change.source,
            "actor_id": change.actor_id,
            "actor": (change.actor.display_name or str(change.actor)) if change.actor else "",
            "created_at": change.created_at,
        }
        for change in RecordChange.objects.filter(record=record).select_related("actor")[:500]
    ]


@router.get(
    "/alumni/custom-fields", response=list[CustomFieldOut], summary="The active custom fields"
)
def custom_field_list(request: HttpRequest) -> Any:
    user = _user(request)
    # Staff who may view some records (or platform admins) read the definitions.
    if not (
        policy.can(user, "change", CustomField)
        or record_scope(AlumniRecord.objects.all(), user).exists()
        or getattr(user, "is_staff", False)
    ):
        raise ApplicationError("permission_denied", status=403)
    return [
        {
            "key": field.key,
            "label": field.label,
            "type": field.type,
            "is_required": field.is_required,
            "choices": [str(choice) for choice in field.choices or []],
            "pattern": field.pattern,
            "min_value": field.min_value,
            "max_value": field.max_value,
            "help_text": field.help_text,
        }
        for field in active_custom_fields()
    ]
