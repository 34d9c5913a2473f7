"""档案管理: creating and changing alumni records, one field-level history row per change.

Every write here: checks policy (alumni.policy), runs in one transaction, writes the record's
history through history_write (with who, when and the source: admin, self, liaison...) and an
audit entry whose diff masks the national ID number. The record's own department/major/class/
years/level mirror its primary degree entry, and its phone/email/WeChat the current contact
point; retired contact values stay in ContactPoint and in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.alumni import policy as alumni_policy
from xiaoyou.alumni import sensitive
from xiaoyou.alumni.custom_fields import active_custom_fields, validate_custom_data
from xiaoyou.alumni.hooks import profile_completed, profile_is_complete
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactKind,
    ContactPoint,
    DegreeEntry,
    DegreeLevel,
    Department,
    Major,
    RecordSource,
    RecordStatus,
    Tag,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.services.history import history_write
from xiaoyou.core import audit
from xiaoyou.core import policy as core_policy

# Plain fields staff may set on a record (foreign keys and degrees are handled apart).
RECORD_FIELDS: tuple[str, ...] = (
    "name",
    "former_name",
    "english_name",
    "gender",
    "birth_date",
    "lunar_birth_date",
    "student_id",
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
    "verification",
)
# What an alumnus may change on their own record (contact and work).
SELF_FIELDS: tuple[str, ...] = (
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
)
CONTACT_FIELDS: dict[str, str] = {
    "phone": ContactKind.PHONE,
    "email": ContactKind.EMAIL,
    "wechat": ContactKind.WECHAT,
}
# Fields mirrored from the primary degree entry.
DEGREE_MIRROR: tuple[str, ...] = (
    "degree_level",
    "department",
    "major",
    "class_name",
    "enrollment_year",
    "graduation_year",
)
DEGREE_FIELDS: tuple[str, ...] = (
    "level",
    "department",
    "major",
    "class_name",
    "student_id",
    "enrollment_year",
    "graduation_year",
    "is_primary",
)


def _history_value(value: Any) -> Any:
    """What the history shows: names for departments and majors, not ids."""
    if isinstance(value, Department | Major | Tag):
        return value.name
    return value


def _degree_summary(entries: Iterable[DegreeEntry]) -> list[dict[str, Any]]:
    return [
        {
            "level": entry.level,
            "department": entry.department.name if entry.department else "",
            "major": entry.major.name if entry.major else "",
            "class_name": entry.class_name,
            "student_id": entry.student_id,
            "enrollment_year": entry.enrollment_year,
            "graduation_year": entry.graduation_year,
            "is_primary": entry.is_primary,
        }
        for entry in entries
    ]


def _check_source(actor: Any, record: AlumniRecord | None, source: str, org: Any = None) -> None:
    if source == RecordSource.SELF:
        if record is None:
            raise ValidationError(_("An alumnus cannot create records."))
        alumni_policy.record_require(actor, "update_own", record)
    elif record is None:
        core_policy.require(actor, "change", AlumniRecord, org=org)
    else:
        alumni_policy.record_require(actor, "change", record)


def _set_contact(record: AlumniRecord, kind: str, old: str, new: str, source: str) -> None:
    """The new value becomes current; the old one is retired but kept."""
    now = timezone.now()
    if old:
        retired = ContactPoint.objects.filter(record=record, kind=kind, value=old).update(
            is_current=False, retired_at=now
        )
        if not retired:
            # A value typed before contact points existed (or imported plainly): keep it too.
            ContactPoint.objects.create(
                record=record,
                kind=kind,
                value=old,
                is_current=False,
                retired_at=now,
                source=record.source,
            )
    if new:
        point, created = ContactPoint.objects.get_or_create(
            record=record, kind=kind, value=new, defaults={"source": source, "is_current": True}
        )
        if not created:
            ContactPoint.objects.filter(pk=point.pk).update(
                is_current=True, retired_at=None, source=source
            )


def _clean_national_id(value: str) -> dict[str, str]:
    if not value:
        return sensitive.national_id_columns("")
    try:
        number = sensitive.validate_national_id(value)
    except ValidationError as error:
        raise ValidationError({"national_id": error.messages}) from None
    return sensitive.national_id_columns(number)


def _save_degrees(
    record: AlumniRecord, degrees: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """Replaces the degree entries; mirrors the primary on the record (not saved here).

    Returns the history changes and the record fields to save.
    """
    before = _degree_summary(record.degrees.select_related("department", "major").order_by("id"))
    existing = {entry.pk: entry for entry in record.degrees.all()}
    kept: list[DegreeEntry] = []
    for data in degrees:
        entry = existing.pop(int(data["id"]), None) if data.get("id") else None
        if entry is None:
            entry = DegreeEntry(record=record)
        for field in DEGREE_FIELDS:
            if field in data:
                value = data[field]
                if field in ("class_name", "student_id") and value is None:
                    value = ""
                setattr(entry, field, value)
        if not entry.level:
            entry.level = DegreeLevel.BACHELOR
        kept.append(entry)
    for stale in existing.values():
        stale.delete()
    primaries = [entry for entry in kept if entry.is_primary]
    primary = primaries[0] if primaries else (kept[0] if kept else None)
    for entry in kept:
        entry.is_primary = entry is primary
        entry.save()
    changes: dict[str, tuple[Any, Any]] = {}
    after = _degree_summary(record.degrees.select_related("department", "major").order_by("id"))
    if before != after:
        changes["degrees"] = (before, after)
    fields: list[str] = []
    if primary is not None:
        mirror = {
            "degree_level": primary.level,
            "department": primary.department,
            "major": primary.major,
            "class_name": primary.class_name,
            "enrollment_year": primary.enrollment_year,
            "graduation_year": primary.graduation_year,
        }
        if primary.student_id:
            mirror["student_id"] = primary.student_id
        for field, value in mirror.items():
            old = getattr(record, field)
            if old != value:
                changes[field] = (_history_value(old), _history_value(value))
                setattr(record, field, value)
                fields.append(field)
    return changes, fields


def _apply(
    *,
    actor: Any,
    record: AlumniRecord,
    changes: Mapping[str, Any],
    source: str,
    creating: bool,
) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """Sets plain fields, the national ID and custom data on `record` (unsaved).

    Returns {field: (old, new)} for the history and the contact kinds to re-point.
    """
    allowed = SELF_FIELDS if source == RecordSource.SELF else RECORD_FIELDS
    history: dict[str, tuple[Any, Any]] = {}
    contacts: list[str] = []
    errors: dict[str, Any] = {}
    for field, value in changes.items():
        if field in ("national_id", "custom_data", "degrees", "tags"):
            continue
        if field not in allowed:
            raise ValidationError({field: _("This field cannot be changed here.")})
        if isinstance(value, str):
            value = value.strip()
        if field == "name" and not value:
            errors["name"] = _("This field is required.")
            continue
        if field == "status" and value not in RecordStatus.values:
            errors["status"] = _("Select a valid choice.")
            continue
        old = getattr(record, field)
        if value is None and isinstance(old, str):
            value = ""
        if old == value:
            continue
        setattr(record, field, value)
        history[field] = (old, value)
        if field in CONTACT_FIELDS:
            contacts.append(field)
    if "national_id" in changes and source != RecordSource.SELF:
        columns = _clean_national_id(str(changes["national_id"] or ""))
        if columns["national_id_hash"] != record.national_id_hash:
            history["national_id"] = (
                "x" if record.national_id_hash else "",
                "x" if columns["national_id_hash"] else "",
            )
            for column, value in columns.items():
                setattr(record, column, value)
    if "custom_data" in changes and source != RecordSource.SELF:
        fields = list(active_custom_fields())
        clean, custom_errors = validate_custom_data(fields, changes["custom_data"] or {})
        if custom_errors:
            errors.update({f"custom_{key}": message for key, message in custom_errors.items()})
        else:
            old_data = dict(record.custom_data or {})
            # Values of fields that are no longer active stay as they were.
            new_data = {k: v for k, v in old_data.items() if k not in {f.key for f in fields}}
            new_data.update(clean)
            for key in sorted(set(old_data) | set(new_data)):
                if old_data.get(key) != new_data.get(key):
                    history[f"custom:{key}"] = (old_data.get(key), new_data.get(key))
            record.custom_data = new_data
    if errors:
        raise ValidationError(errors)
    if "name" in history or creating:
        record.name_pinyin, record.name_initials = name_keys(record.name)
    return history, contacts


def _audit(actor: Any, action: str, record: AlumniRecord, history: Mapping[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=record,
        changes=audit.mask_changes(
            {
                field: [_history_value(old), _history_value(new)]
                for field, (old, new) in history.items()
            }
        ),
    )


@transaction.atomic
def record_create(
    *,
    actor: Any,
    org: Any,
    data: Mapping[str, Any],
    degrees: Sequence[Mapping[str, Any]] = (),
    tags: Iterable[str] = (),
    source: str = RecordSource.ADMIN,
) -> AlumniRecord:
    """A new record kept by `org`; `data` holds RECORD_FIELDS plus national_id/custom_data."""
    _check_source(actor, None, source, org=org)
    record = AlumniRecord(org=org, source=source)
    history, contacts = _apply(
        actor=actor, record=record, changes=data, source=source, creating=True
    )
    if not record.name:
        raise ValidationError({"name": _("This field is required.")})
    record.full_clean(exclude=["org", "department", "major", "import_batch", "merged_into", "user"])
    record.save()
    for field in contacts:
        _set_contact(record, CONTACT_FIELDS[field], "", getattr(record, field), source)
    if degrees:
        degree_history, fields = _save_degrees(record, degrees)
        if fields:
            record.save(update_fields=[*fields, "updated_at"])
        history.update(degree_history)
    tag_names = _tag_names(tags)
    if tag_names:
        record.tags.set(_tags(tag_names))
        history["tags"] = ([], tag_names)
    created = {"created": (None, record.name)}
    created.update({k: v for k, v in history.items() if k != "name"})
    history_write(
        record=record,
        changes={k: (_history_value(o), _history_value(n)) for k, (o, n) in created.items()},
        source=source,
        actor=actor,
    )
    _audit(actor, "alumni_record.create", record, history)
    return record


@transaction.atomic
def record_update(
    *,
    actor: Any,
    record: AlumniRecord,
    changes: Mapping[str, Any],
    degrees: Sequence[Mapping[str, Any]] | None = None,
    source: str = RecordSource.ADMIN,
) -> AlumniRecord:
    """Changes fields of `record`; `degrees` (when given) replaces the degree entries.

    source "self": the alumnus updating their own contact/work fields (SELF_FIELDS only);
    "admin"/"liaison": staff. The new phone/email/WeChat becomes current, the old one is
    retired, and every changed field gets a history row.
    """
    record = AlumniRecord.objects.select_for_update().get(pk=record.pk)
    _check_source(actor, record, source)
    if record.deleted_at is not None:
        raise ValidationError(_("This record is deleted; restore it first."))
    if source == RecordSource.SELF and degrees is not None:
        raise ValidationError(_("This field cannot be changed here."))
    was_complete = profile_is_complete(record)
    history, contacts = _apply(
        actor=actor, record=record, changes=changes, source=source, creating=False
    )
    record.full_clean(exclude=["org", "department", "major", "import_batch", "merged_into", "user"])
    record.save()
    for field in contacts:
        old, new = history[field]
        _set_contact(record, CONTACT_FIELDS[field], old or "", new or "", source)
    if degrees is not None:
        degree_history, fields = _save_degrees(record, degrees)
        if fields:
            record.save(update_fields=[*fields, "updated_at"])
        history.update(degree_history)
    if history:
        history_write(
            record=record,
            changes={k: (_history_value(o), _history_value(n)) for k, (o, n) in history.items()},
            source=source,
            actor=actor,
        )
        _audit(actor, "alumni_record.change", record, history)
    if source == RecordSource.SELF and not was_complete and profile_is_complete(record):
        profile_completed.send(record)  # delivered after commit
    return record


def _tag_names(names: Iterable[str]) -> list[str]:
    result: list[str] = []
    for name in names:
        text = str(name).strip()[:40]
        if text and text not in result:
            result.append(text)
    return result


def _tags(names: list[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in names]


@transaction.atomic
def record_tags_add(
    *, actor: Any, record: AlumniRecord, names: Iterable[str], source: str = RecordSource.ADMIN
) -> list[str]:
    alumni_policy.record_require(actor, "change", record)
    before = sorted(record.tags.values_list("name", flat=True))
    record.tags.add(*_tags(_tag_names(names)))
    return _tags_changed(actor, record, before, source)


@transaction.atomic
def record_tags_remove(
    *, actor: Any, record: AlumniRecord, names: Iterable[str], source: str = RecordSource.ADMIN
) -> list[str]:
    alumni_policy.record_require(actor, "change", record)
    before = sorted(record.tags.values_list("name", flat=True))
    record.tags.remove(*Tag.objects.filter(name__in=_tag_names(names)))
    return _tags_changed(actor, record, before, source)


def _tags_changed(actor: Any, record: AlumniRecord, before: list[str], source: str) -> list[str]:
    after = sorted(record.tags.values_list("name", flat=True))
    if after != before:
        history_write(record=record, changes={"tags": (before, after)}, source=source, actor=actor)
        _audit(actor, "alumni_record.tags", record, {"tags": (before, after)})
        AlumniRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now())
    return after


def record_set_key_alumnus(*, actor: Any, record: AlumniRecord, value: bool) -> AlumniRecord:
    return record_update(actor=actor, record=record, changes={"is_key_alumnus": bool(value)})


def record_set_status(*, actor: Any, record: AlumniRecord, status: str) -> AlumniRecord:
    return record_update(actor=actor, record=record, changes={"status": status})


@transaction.atomic
def record_soft_delete(*, actor: Any, record: AlumniRecord) -> AlumniRecord:
    """Hides the record from lists and searches; everything stays for a restore."""
    record = AlumniRecord.objects.select_for_update().get(pk=record.pk)
    alumni_policy.record_require(actor, "delete", record)
    if record.deleted_at is not None:
        return record
    record.deleted_at = timezone.now()
    record.save(update_fields=["deleted_at", "updated_at"])
    history_write(
        record=record, changes={"deleted": (False, True)}, source=RecordSource.ADMIN, actor=actor
    )
    _audit(actor, "alumni_record.delete", record, {"deleted_at": (None, record.deleted_at)})
    return record


@transaction.atomic
def record_restore(*, actor: Any, record: AlumniRecord) -> AlumniRecord:
    record = AlumniRecord.objects.select_for_update().get(pk=record.pk)
    alumni_policy.record_require(actor, "delete", record)
    if record.deleted_at is None:
        return record
    old = record.deleted_at
    record.deleted_at = None
    record.save(update_fields=["deleted_at", "updated_at"])
    history_write(
        record=record, changes={"deleted": (True, False)}, source=RecordSource.ADMIN, actor=actor
    )
    _audit(actor, "alumni_record.restore", record, {"deleted_at": (old, None)})
    return record
