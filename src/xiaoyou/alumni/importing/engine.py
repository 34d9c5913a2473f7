"""The import itself: rows to clean values, validation, upsert in all-or-nothing batches.

Designed for a million rows in minutes: the sheet is streamed, rows are handled in batches of
`batch_size` inside one transaction each, existing records of a batch are fetched with one
query per key, and records, degrees, contacts and history rows are written with bulk_create /
bulk_update. A batch that fails in the database rolls back as a whole and its rows are
reported rejected; the batches before and after it stand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoyou.alumni import sensitive
from xiaoyou.alumni.importing import normalize as norm
from xiaoyou.alumni.importing.degrees import primary_degrees_update
from xiaoyou.alumni.importing.fastinsert import Inserter, update_rows
from xiaoyou.alumni.importing.fields import CUSTOM_PREFIX, KEY_FIELDS
from xiaoyou.alumni.importing.headers import Header
from xiaoyou.alumni.importing.readers import Sheet
from xiaoyou.alumni.importing.rows import Lookups, Row, clean_row, key_of
from xiaoyou.alumni.models import (
    AlumniRecord,
    ContactKind,
    ContactPoint,
    CustomField,
    DegreeEntry,
    DegreeLevel,
    ImportBatch,
    RecordSource,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.services.history import Change, history_write_bulk
from xiaoyou.core.excel import xlsx_bytes

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# History field written once for a record the import created (undo deletes it again).
CREATED_FIELD = "created"
# Many people share a name: pinyin is computed once per distinct name (name_keys is cached).
_name_keys = name_keys


class _DryRun(Exception):
    """Raised at the end of a dry-run batch to roll it back after doing everything else."""


@dataclass
class Rejected:
    row: int
    values: list[Any]
    reason: str


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "rejected_rows": [{"row": item.row, "reason": item.reason} for item in self.rejected],
        }


# Record attributes compared and written for each import field.
def _record_value(record: AlumniRecord, field_key: str) -> Any:
    if field_key.startswith(CUSTOM_PREFIX):
        return (record.custom_data or {}).get(field_key[len(CUSTOM_PREFIX) :])
    if field_key == "national_id":
        return record.national_id_hash
    return getattr(record, field_key)


def _comparable(field_key: str, value: Any) -> Any:
    if field_key == "national_id":
        return sensitive.national_id_hash(value)
    return value


class Importer:
    """Runs one import of a sheet into `org`; `batch` (an ImportBatch) is what undo reverts."""

    def __init__(
        self,
        *,
        org: Any,
        mapping: dict[str, str],
        key: str = "student_id",
        batch: ImportBatch | None = None,
        actor: Any = None,
        dry_run: bool = False,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if key not in KEY_FIELDS:
            raise ValueError(f"unknown key {key!r}")
        self.org = org
        self.mapping = {str(column): target for column, target in mapping.items() if target}
        self.key = key
        self.batch = batch
        self.actor = actor if getattr(actor, "pk", None) else None
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.custom = {field.key: field for field in CustomField.objects.filter(is_active=True)}
        self.lookups = Lookups()
        self.result = ImportResult(dry_run=dry_run)
        self.seen: dict[str, int] = {}
        self._prepared: tuple[Inserter, Inserter, Inserter] | None = None

    # --- rows --------------------------------------------------------------------------

    def data_rows(self, sheet: Sheet, header: Header) -> Iterator[tuple[int, list[Any]]]:
        for index, cells in enumerate(sheet.rows()):
            if index < header.data_start:
                continue
            if all(norm.text(cell) == "" for cell in cells):
                continue  # blank rows between blocks
            yield index + 1, cells

    def run(
        self,
        sheet: Sheet,
        header: Header,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> ImportResult:
        total = (sheet.estimated_rows - header.data_start) if sheet.estimated_rows else None
        done = 0
        chunk: list[Row] = []
        for number, cells in self.data_rows(sheet, header):
            self.result.total += 1
            row = clean_row(number, cells, self.mapping, self.lookups, self.custom)
            if row.errors:
                self.reject(row, row.reason)
            else:
                chunk.append(row)
            if len(chunk) >= self.batch_size:
                self.write_batch(chunk)
                chunk = []
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
        if chunk:
            self.write_batch(chunk)
        if progress is not None:
            progress(done, done)
        self.result.rejected.sort(key=lambda item: item.row)
        return self.result

    def reject(self, row: Row, reason: str) -> None:
        self.result.rejected.append(Rejected(row.number, row.cells, reason))

    # --- one batch ---------------------------------------------------------------------

    def write_batch(self, rows: list[Row]) -> None:
        # Within the file: a second row for the same person is refused, not merged silently.
        unique: list[Row] = []
        for row in rows:
            key = key_of(row.values, self.key)
            if key is not None:
                first = self.seen.get(key)
                if first is not None:
                    self.reject(row, _("Same person as row %(row)s of this file") % {"row": first})
                    continue
                self.seen[key] = row.number
            unique.append(row)
        counts = (self.result.created, self.result.updated, self.result.unchanged)
        rejected_before = len(self.result.rejected)
        try:
            with transaction.atomic():
                self._write(unique)
                if self.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except DatabaseError as exc:
            logger.warning("import batch failed, rolled back: %s", exc)
            self.result.created, self.result.updated, self.result.unchanged = counts
            del self.result.rejected[rejected_before:]
            reason = _(
                "The batch of rows %(first)s–%(last)s could not be saved (%(error)s); none of it was imported"
            ) % {
                "first": rows[0].number,
                "last": rows[-1].number,
                "error": exc.__class__.__name__,
            }
            for row in unique:
                self.reject(row, reason)

    def _existing(self, rows: list[Row]) -> dict[str, AlumniRecord]:
        keys = {key for row in rows if (key := key_of(row.values, self.key)) is not None}
        if not keys:
            return {}
        records = AlumniRecord.objects.filter(org=self.org, merged_into__isnull=True)
        if self.key == "student_id":
            # Deleted records too: the student number stays taken by them.
            # `student_id <> ''` spelled out: it lets SQLite use the partial unique index
            # (org, student_id) WHERE student_id <> '' — an IN list alone does not, and each
            # batch then scanned every record of the organization (0.5 s at a million).
            found = records.filter(student_id__in=keys).exclude(student_id="")
        elif self.key == "phone":
            found = records.filter(phone__in=keys, deleted_at__isnull=True)
        elif self.key == "email":
            found = records.filter(email__in=keys, deleted_at__isnull=True)
        elif self.key == "national_id":
            found = records.filter(national_id_hash__in=keys, deleted_at__isnull=True)
        else:
            names = {key.split("|", 1)[0] for key in keys}
            found = records.filter(
                name__in=names, birth_date__isnull=False, deleted_at__isnull=True
            )
        existing: dict[str, AlumniRecord] = {}
        for record in found.order_by("id"):
            if self.key == "national_id":
                key = record.national_id_hash
            elif self.key == "name_birth_date":
                key = f"{record.name}|{record.birth_date.isoformat()}"  # type: ignore[union-attr]
            else:
                key = getattr(record, self.key)
            existing.setdefault(key, record)
        return existing

    def _write(self, rows: list[Row]) -> None:
        existing = self._existing(rows)
        # Student numbers are unique per organization: find those already taken by others.
        student_ids = {row.values["student_id"] for row in rows if row.values.get("student_id")}
        taken = (
            dict(
                AlumniRecord.objects.filter(org=self.org, student_id__in=student_ids)
                .exclude(student_id="")  # the partial unique index (see _existing)
                .values_list("student_id", "pk")
            )
            if student_ids
            else {}
        )
        now = timezone.now()
        new_rows: list[tuple[Row, dict[str, Any]]] = []
        updates: list[tuple[AlumniRecord, dict[str, tuple[Any, Any]]]] = []
        for row in rows:
            key = key_of(row.values, self.key)
            record = existing.get(key) if key is not None else None
            if record is not None and record.deleted_at is not None:
                self.reject(row, _("A deleted record has this student number; restore it first"))
                continue
            sid = row.values.get("student_id")
            if sid and sid in taken and (record is None or taken[sid] != record.pk):
                self.reject(
                    row, _("The student number %(sid)s belongs to another record") % {"sid": sid}
                )
                continue
            if record is None:
                new = self._new_record(row.values, now)
                new_rows.append((row, new))
                if sid:
                    taken[sid] = -1  # a later row of this batch may not take it again
            else:
                changes = self._apply(record, row.values)
                if changes:
                    updates.append((record, changes))
                else:
                    self.result.unchanged += 1
        if new_rows:
            ids = self._inserters()[0].insert([values for _row, values in new_rows])
            self._children(list(zip(ids, (values for _row, values in new_rows), strict=True)), now)
            history_write_bulk(
                (
                    Change(pk, CREATED_FIELD, None, self.batch.pk if self.batch else True)
                    for pk in ids
                ),
                source=RecordSource.IMPORT,
                actor=self.actor,
                batch=self.batch,
            )
            self.result.created += len(ids)
        if updates:
            self._update(updates, now)
            self.result.updated += len(updates)

    def _inserters(self) -> tuple[Inserter, Inserter, Inserter]:
        if self._prepared is None:
            self._prepared = (Inserter(AlumniRecord), Inserter(DegreeEntry), Inserter(ContactPoint))
        return self._prepared

    def _new_record(self, values: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        """The column values of a new record (attnames), for the fast insert."""
        record: dict[str, Any] = {
            "org_id": self.org.pk,
            "source": RecordSource.IMPORT.value,
            "import_batch_id": self.batch.pk if self.batch else None,
            "created_at": now,
            "updated_at": now,
        }
        custom_data: dict[str, Any] = {}
        for field_key, value in values.items():
            if field_key.startswith(CUSTOM_PREFIX):
                custom_data[field_key[len(CUSTOM_PREFIX) :]] = value
            elif field_key == "national_id":
                record.update(sensitive.national_id_columns(value))
            else:
                record[field_key] = value
        record["custom_data"] = custom_data
        record["name_pinyin"], record["name_initials"] = _name_keys(record["name"])
        return record

    def _children(self, created: list[tuple[int, dict[str, Any]]], now: dt.datetime) -> None:
        _records, degrees, contacts = self._inserters()
        degrees.insert(
            [
                {
                    "record_id": pk,
                    "level": values.get("degree_level") or DegreeLevel.BACHELOR.value,
                    "department_id": values.get("department_id"),
                    "major_id": values.get("major_id"),
                    "class_name": values.get("class_name", ""),
                    "student_id": values.get("student_id", ""),
                    "enrollment_year": values.get("enrollment_year"),
                    "graduation_year": values.get("graduation_year"),
                    "is_primary": True,
                }
                for pk, values in created
            ],
            returning=False,
        )
        contacts.insert(
            [
                {
                    "record_id": pk,
                    "kind": kind,
                    "value": values[field_key],
                    "is_current": True,
                    "source": RecordSource.IMPORT.value,
                    "created_at": now,
                }
                for pk, values in created
                for field_key, kind in (
                    ("phone", ContactKind.PHONE.value),
                    ("email", ContactKind.EMAIL.value),
                )
                if values.get(field_key)
            ],
            returning=False,
        )

    def _apply(self, record: AlumniRecord, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """Sets the row's non-empty values on the record; returns {field: (old, new)}.

        An empty cell never clears what the archive knows.
        """
        changes: dict[str, tuple[Any, Any]] = {}
        custom_data = dict(record.custom_data or {})
        for field_key, value in values.items():
            old = _record_value(record, field_key)
            if old == _comparable(field_key, value):
                continue
            if field_key.startswith(CUSTOM_PREFIX):
                custom_data[field_key[len(CUSTOM_PREFIX) :]] = value
                changes[field_key] = (old, value)
            elif field_key == "national_id":
                for column, stored in sensitive.national_id_columns(value).items():
                    setattr(record, column, stored)
                changes[field_key] = ("******" if old else None, "******")
            else:
                setattr(record, field_key, value)
                changes[field_key] = (old, value)
        if any(key.startswith(CUSTOM_PREFIX) for key in changes):
            record.custom_data = custom_data
        if "name" in changes:
            record.name_pinyin, record.name_initials = _name_keys(record.name)
        return changes

    def _update(
        self, updates: list[tuple[AlumniRecord, dict[str, tuple[Any, Any]]]], now: dt.datetime
    ) -> None:
        columns: set[str] = {"updated_at"}
        for record, changes in updates:
            record.updated_at = now
            for field_key in changes:
                if field_key.startswith(CUSTOM_PREFIX):
                    columns.add("custom_data")
                elif field_key == "national_id":
                    columns.update(
                        ("national_id_encrypted", "national_id_hash", "national_id_last4")
                    )
                else:
                    columns.add(field_key)
                    if field_key == "name":
                        columns.update(("name_pinyin", "name_initials"))
        update_rows(AlumniRecord, [record for record, _ in updates], columns)
        primary_degrees_update(updates)
        _contacts_replace(updates, now)
        history_write_bulk(
            (
                Change(record.pk, _history_field(field_key), old, new)
                for record, changes in updates
                for field_key, (old, new) in changes.items()
            ),
            source=RecordSource.IMPORT,
            actor=self.actor,
            batch=self.batch,
        )


def _contacts_replace(
    updates: list[tuple[AlumniRecord, dict[str, tuple[Any, Any]]]], now: dt.datetime
) -> None:
    """A new phone or email joins the record's contacts as the current one; the previous one
    is retired (kept). A few queries per batch and kind, whatever the batch's size."""
    for field_key, kind in (("phone", ContactKind.PHONE), ("email", ContactKind.EMAIL)):
        new_values = {
            record.pk: changes[field_key][1] for record, changes in updates if field_key in changes
        }
        if not new_values:
            continue
        ContactPoint.objects.filter(record_id__in=new_values, kind=kind, is_current=True).update(
            is_current=False, retired_at=now
        )
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(record_id=pk, kind=kind, value=value, source=RecordSource.IMPORT)
                for pk, value in new_values.items()
            ],
            ignore_conflicts=True,
        )
        # A value the record had before (retired) becomes current again.
        again = [
            pk
            for pk, record_id, value in ContactPoint.objects.filter(
                record_id__in=new_values, kind=kind, value__in=set(new_values.values())
            ).values_list("pk", "record_id", "value")
            if new_values.get(record_id) == value
        ]
        ContactPoint.objects.filter(pk__in=again).update(is_current=True, retired_at=None)


def _history_field(field_key: str) -> str:
    # FKs are kept by id under the relation's name (department_id -> department).
    return field_key[:-3] if field_key in ("department_id", "major_id") else field_key


# --- the rejected-rows report ------------------------------------------------------------


def report_bytes(headers: Sequence[str], rejected: Iterable[Rejected]) -> bytes:
    """An .xlsx with the row number, the reason and the original cells of every rejected row.

    Cells that a spreadsheet would run as formulas are neutralized by core.excel.
    """
    heading = [_("Row"), _("Reason"), *headers]
    return xlsx_bytes(
        heading,
        ([item.row, item.reason, *item.values] for item in rejected),
        title=_("Rejected rows"),
    )
