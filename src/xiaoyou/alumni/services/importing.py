"""批量导入 services: upload, preview, (dry) run as a background job, undo.

Rule: only admins of the batch's organization (and above) may import into it or undo.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.alumni.importing.engine import (
    CREATED_FIELD,
    Importer,
    ImportResult,
    report_bytes,
)
from xiaoyou.alumni.importing.fields import (
    CUSTOM_PREFIX,
    KEY_FIELDS,
    field_choices,
    suggest_mapping,
)
from xiaoyou.alumni.importing.headers import Header, detect_header
from xiaoyou.alumni.importing.normalize import text
from xiaoyou.alumni.importing.readers import ImportFileError, Sheet, open_sheet
from xiaoyou.alumni.importing.rows import clean_row, key_of
from xiaoyou.alumni.models import (
    AlumniRecord,
    CustomField,
    ImportBatch,
    ImportMapping,
    ImportStatus,
    RecordChange,
    RecordSource,
)
from xiaoyou.alumni.names import name_keys
from xiaoyou.alumni.services.history import Change, history_write_bulk
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.core.jobs import JobContext, JobError, job_create, register_job

JOB_KIND = "alumni.import"
PREVIEW_ROWS = 20
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

register_messages(
    {
        "import_file": gettext_lazy("The file cannot be imported."),
        "import_key": gettext_lazy("Choose which column identifies a person."),
        "import_mapping": gettext_lazy("Map at least the name column."),
        "import_not_done": gettext_lazy("Only a finished import can be undone."),
        "import_busy": gettext_lazy("This import is running or has already run."),
        "import_undo_conflict": gettext_lazy(
            "This import cannot be undone: %(count)s of its changes were edited again later "
            "(for example %(example)s). Correct those records by hand."
        ),
    }
)


def register() -> None:
    """Policy rules and the job kind; called from AlumniConfig.ready()."""
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    for action in ("view", "run", "undo"):
        policy.register(ImportBatch, action, role=Role.ADMIN)
    policy.register(ImportMapping, "change", role=Role.ADMIN)

    def may_import(user: Any, org: Any) -> bool:
        return org is not None and has_role(user, org, Role.ADMIN)

    register_job(JOB_KIND, run_import_job, gettext_lazy("Import alumni"), may_import, max_retries=0)


# --- helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def local_path(batch: ImportBatch) -> Iterator[Path]:
    """A local path of the uploaded file (copied down when the storage is remote)."""
    try:
        yield Path(batch.file.path)
        return
    except NotImplementedError:
        pass
    suffix = Path(batch.file_name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle, batch.file.open("rb") as source:
        for chunk in source.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def _open(path: Path, name: str) -> tuple[Sheet, Header]:
    try:
        sheet = open_sheet(path, name)
    except ImportFileError as exc:
        raise ApplicationError("import_file", str(exc)) from exc
    header = detect_header(sheet.rows(), CustomField.objects.filter(is_active=True))
    return sheet, header


def batch_header(batch: ImportBatch) -> Header:
    with local_path(batch) as path:
        sheet, header = _open(path, batch.file_name)
        sheet.close()
        return header


def _check_mapping(mapping: dict[str, str], key_field: str) -> None:
    if key_field not in KEY_FIELDS:
        raise ApplicationError("import_key")
    if "name" not in mapping.values():
        raise ApplicationError("import_mapping")


# --- services ------------------------------------------------------------------------------


def import_upload(
    *, org: Any, actor: Any, upload: UploadedFile, key_field: str = "student_id"
) -> ImportBatch:
    """Stores the file, finds its header and suggests a mapping. Nothing enters the archive.

    Rule: the file must be a readable xlsx, xls or csv (a damaged file is refused here).
    """
    policy.require(actor, "run", ImportBatch, org=org)
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError("import_file", _("The file is larger than 200 MB."))
    name = Path(upload.name or "import").name
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        sheet, header = _open(Path(handle.name), name)
        sheet.close()
        handle.seek(0)
        mapping = suggest_mapping(header.labels, CustomField.objects.filter(is_active=True))
        with transaction.atomic():
            batch = ImportBatch(
                org=org,
                created_by=actor,
                file_name=name[:200],
                mapping=mapping,
                key_field=key_field if key_field in KEY_FIELDS else "student_id",
            )
            # Streamed from the temporary copy: a large file is never held in memory.
            batch.file.save(name, File(handle, name=name), save=False)
            batch.save()
            audit.record(actor=actor, action="alumni.import.upload", obj=batch, org=org)
    return batch


def import_set_mapping(
    *, batch: ImportBatch, actor: Any, mapping: dict[str, str], key_field: str
) -> ImportBatch:
    policy.require(actor, "run", batch)
    allowed = {value for value, _label in field_choices(CustomField.objects.filter(is_active=True))}
    clean = {
        str(column): (target if target in allowed else "") for column, target in mapping.items()
    }
    _check_mapping(clean, key_field)
    with transaction.atomic():
        batch.mapping = clean
        batch.key_field = key_field
        batch.save(update_fields=["mapping", "key_field", "updated_at"])
        audit.record(
            actor=actor, action="alumni.import.mapping", obj=batch, changes={"key": key_field}
        )
    return batch


def mapping_save(*, org: Any, actor: Any, name: str, mapping: dict[str, str]) -> ImportMapping:
    """Saves (or replaces) a named mapping for the organization's next files."""
    policy.require(actor, "change", ImportMapping, org=org)
    with transaction.atomic():
        saved, _created = ImportMapping.objects.update_or_create(
            org=org, name=name.strip()[:60], defaults={"mapping": mapping}
        )
        audit.record(actor=actor, action="alumni.import.mapping_save", obj=saved, org=org)
    return saved


def mapping_apply(*, batch: ImportBatch, saved: ImportMapping, header: Header) -> dict[str, str]:
    """A saved mapping for this file: by column header first (columns move), else by position."""
    stored = saved.mapping or {}
    by_label = stored.get("labels") if isinstance(stored.get("labels"), dict) else None
    mapping: dict[str, str] = {}
    for index, label in enumerate(header.labels):
        if by_label is not None:
            mapping[str(index)] = by_label.get(label, "")
        else:
            mapping[str(index)] = stored.get(str(index), "")
    return mapping


def mapping_payload(header: Header, mapping: dict[str, str]) -> dict[str, Any]:
    """What a saved mapping stores: header label -> field (so it survives moved columns)."""
    return {
        "labels": {
            label: mapping.get(str(index), "")
            for index, label in enumerate(header.labels)
            if mapping.get(str(index))
        }
    }


@dataclass
class PreviewRow:
    number: int
    cells: list[tuple[Any, str, str]]  # (normalized value, field, error) per mapped column
    reason: str


def import_preview(
    *, batch: ImportBatch, actor: Any, limit: int = PREVIEW_ROWS
) -> list[PreviewRow]:
    """The first rows as they would be imported, with each problem on its cell."""
    policy.require(actor, "view", batch)
    importer = Importer(org=batch.org, mapping=batch.mapping, key=batch.key_field)
    rows: list[PreviewRow] = []
    seen: dict[str, int] = {}
    with local_path(batch) as path:
        sheet, header = _open(path, batch.file_name)
        for number, cells in importer.data_rows(sheet, header):
            row = clean_row(number, cells, importer.mapping, importer.lookups, importer.custom)
            key = key_of(row.values, importer.key) if not row.errors else None
            if key is not None and key in seen:
                row.errors[""] = _("Same person as row %(row)s of this file") % {"row": seen[key]}
            elif key is not None:
                seen[key] = number
            shown = []
            for column, target in sorted(importer.mapping.items(), key=lambda item: int(item[0])):
                if target in ("department", "major"):
                    # Shown as typed; an unknown one carries its error on the cell.
                    index = int(column)
                    value = text(cells[index]) if index < len(cells) else ""
                else:
                    value = _shown(row.values, target)
                label = _field_label(target, importer.custom)
                shown.append((value, target, row.errors.get(label, "")))
            rows.append(PreviewRow(number, shown, row.reason))
            if len(rows) >= limit:
                break
    return rows


def _field_label(target: str, custom: dict[str, CustomField]) -> str:
    from xiaoyou.alumni.importing.rows import _label

    return _label(target, custom)


def _shown(values: dict[str, Any], target: str) -> Any:
    if target == "national_id" and values.get(target):
        return "*" * 14 + str(values[target])[-4:]
    return values.get(target, "")


def import_run(
    *, batch: ImportBatch, actor: Any, dry_run: bool = False, background: bool = True
) -> ImportBatch:
    """Imports (or dry-runs) the batch's file with its mapping and key.

    In the background (the console) a job does it and reports progress; otherwise it runs
    here (see import_run_now). A dry run does every write and rolls each batch back.
    """
    if not background:
        import_run_now(batch=batch, actor=actor, dry_run=dry_run)
        batch.refresh_from_db()
        return batch
    _start(batch, actor=actor, dry_run=dry_run, background=True)
    return batch


def import_run_now(*, batch: ImportBatch, actor: Any, dry_run: bool = False) -> ImportResult:
    """The same as import_run, in this process; returns the full result (the command, tests)."""
    _start(batch, actor=actor, dry_run=dry_run, background=False)
    return execute(batch, actor=actor, dry_run=dry_run)


def _start(batch: ImportBatch, *, actor: Any, dry_run: bool, background: bool) -> None:
    """Rule: an import runs once (dry runs as often as wanted, before it)."""
    policy.require(actor, "run", batch)
    _check_mapping(batch.mapping, batch.key_field)
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status in (ImportStatus.RUNNING, ImportStatus.DONE, ImportStatus.UNDONE):
            raise ApplicationError("import_busy", status=409)
        batch.is_dry_run = dry_run
        batch.status = ImportStatus.RUNNING
        if background:
            batch.job = job_create(
                kind=JOB_KIND,
                title=f"{_('Import alumni')}: {batch.file_name}"[:200],
                actor=actor,
                org=batch.org,
                params={"batch_id": batch.pk, "dry_run": dry_run},
            )
        batch.save(update_fields=["is_dry_run", "status", "job", "updated_at"])
        audit.record(
            actor=actor,
            action="alumni.import.dry_run" if dry_run else "alumni.import.run",
            obj=batch,
        )


def execute(batch: ImportBatch, *, actor: Any, dry_run: bool, progress: Any = None) -> ImportResult:
    """Runs the import of a batch already marked running; records counts, report and status."""
    importer = Importer(
        org=batch.org,
        mapping=batch.mapping,
        key=batch.key_field,
        batch=batch,
        actor=actor,
        dry_run=dry_run,
    )
    try:
        with local_path(batch) as path:
            sheet, header = _open(path, batch.file_name)
            try:
                result = importer.run(sheet, header, progress)
            finally:
                sheet.close()
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
        raise
    batch.total_rows = result.total
    batch.created_count = result.created
    batch.updated_count = result.updated
    batch.unchanged_count = result.unchanged
    batch.rejected_count = len(result.rejected)
    batch.status = ImportStatus.VALIDATED if dry_run else ImportStatus.DONE
    if batch.report:
        batch.report.delete(save=False)
    if result.rejected:
        stem = Path(batch.file_name).stem[:80]
        batch.report.save(
            f"{stem}-rejected.xlsx",
            ContentFile(report_bytes(header.labels, result.rejected)),
            save=False,
        )
    batch.save()
    audit.record(
        actor=actor,
        action="alumni.import.finished",
        obj=batch,
        changes={key: value for key, value in result.summary().items() if key != "rejected_rows"},
    )
    return result


def run_import_job(context: JobContext) -> dict[str, Any]:
    batch = (
        ImportBatch.objects.select_related("org", "created_by")
        .filter(pk=context.params["batch_id"])
        .first()
    )
    if batch is None:
        raise JobError("import batch missing")
    try:
        result = execute(
            batch,
            actor=batch.created_by,
            dry_run=bool(context.params.get("dry_run")),
            progress=context.progress,
        )
    except ApplicationError as exc:
        raise JobError(exc.text()) from exc
    summary = result.summary()
    summary["rejected_rows"] = summary["rejected_rows"][:100]
    return summary


def import_undo(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    """Reverts a finished import: its new records are deleted, the fields it changed get their
    old values back (and that is written to the history).

    Rule: refused when any of those records or fields was changed again after the import.
    """
    policy.require(actor, "undo", batch)
    if batch.status != ImportStatus.DONE or batch.is_dry_run:
        raise ApplicationError("import_not_done", status=409)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        changes = list(
            RecordChange.objects.filter(batch=batch)
            .order_by("id")
            .values_list("id", "record_id", "field", "old_value")
        )
        created = {record_id for _id, record_id, field, _old in changes if field == CREATED_FIELD}
        touched = {
            (record_id, field) for _id, record_id, field, _old in changes if field != CREATED_FIELD
        }
        first_id = changes[0][0] if changes else 0
        record_ids = {record_id for _id, record_id, _f, _o in changes}
        conflicts = []
        later = RecordChange.objects.filter(record_id__in=record_ids, id__gt=first_id).exclude(
            batch=batch
        )
        for record_id, field in later.values_list("record_id", "field").iterator():
            if record_id in created or (record_id, field) in touched:
                conflicts.append((record_id, field))
        if conflicts:
            record_id, field = conflicts[0]
            name = AlumniRecord.objects.filter(pk=record_id).values_list("name", flat=True).first()
            raise ApplicationError(
                "import_undo_conflict",
                status=409,
                count=len(conflicts),
                example=f"{name or record_id} / {field}",
            )
        restored: list[Change] = []
        by_record: dict[int, list[tuple[str, Any]]] = {}
        for _id, record_id, field, old in changes:
            if field != CREATED_FIELD and record_id not in created:
                by_record.setdefault(record_id, []).append((field, old))
        for record in AlumniRecord.objects.filter(pk__in=by_record):
            columns: set[str] = {"updated_at"}
            for field, old in by_record[record.pk]:
                restored.append(Change(record.pk, field, _current(record, field), old))
                _restore(record, field, old, columns)
            record.save(update_fields=sorted(columns))
        history_write_bulk(restored, source=RecordSource.ADMIN, actor=actor)
        deleted = 0
        for start in range(0, len(created), 5000):
            chunk = list(created)[start : start + 5000]
            deleted += (
                AlumniRecord.objects.filter(pk__in=chunk, import_batch=batch)
                .delete()[1]
                .get(AlumniRecord._meta.label, 0)
            )
        batch.status = ImportStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at", "updated_at"])
        audit.record(
            actor=actor,
            action="alumni.import.undo",
            obj=batch,
            changes={"deleted": deleted, "restored": len(restored)},
        )
    return batch


def _current(record: AlumniRecord, field: str) -> Any:
    if field.startswith(CUSTOM_PREFIX):
        return (record.custom_data or {}).get(field[len(CUSTOM_PREFIX) :])
    if field in ("department", "major"):
        return getattr(record, field + "_id")
    if field == "national_id":
        return "******" if record.national_id_hash else None
    return getattr(record, field)


def _restore(record: AlumniRecord, field: str, old: Any, columns: set[str]) -> None:
    if field.startswith(CUSTOM_PREFIX):
        data = dict(record.custom_data or {})
        if old is None:
            data.pop(field[len(CUSTOM_PREFIX) :], None)
        else:
            data[field[len(CUSTOM_PREFIX) :]] = old
        record.custom_data = data
        columns.add("custom_data")
    elif field in ("department", "major"):
        setattr(record, field + "_id", old)
        columns.add(field + "_id")
    elif field == "national_id":
        # The history never holds the number in clear: the previous one cannot come back.
        for column in ("national_id_encrypted", "national_id_hash", "national_id_last4"):
            setattr(record, column, "")
            columns.add(column)
    else:
        model_field = cast(Field, AlumniRecord._meta.get_field(field))
        if old is None and not model_field.null:
            old = ""
        setattr(record, field, model_field.to_python(old))
        columns.add(field)
        if field == "name":
            record.name_pinyin, record.name_initials = name_keys(record.name)
            columns.update(("name_pinyin", "name_initials"))
