"""下载我的数据: one document with every registered section, as JSON and as Excel (one sheet per
section, formula-safe through core.excel). Prepared at once for a small account, by a background
job (core.jobs) for a big one; downloadable by its owner for 24 hours, each download audited."""

from __future__ import annotations

import io
import json
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xiaoyou.core import audit
from xiaoyou.core.excel import cell_value
from xiaoyou.core.jobs import JobContext, job_create, register_job
from xiaoyou.core.registry import personal_data_exporters
from xiaoyou.privacy.models import DataExport, ExportStatus

EXPORT_JOB_KIND = "privacy.export"
EXPORT_HOURS = 24


def _sync_limit() -> int:
    # Accounts with more rows than this (notifications, history, posts) go to a background job.
    return int(getattr(settings, "PRIVACY_EXPORT_SYNC_ROWS", 2000))


def personal_data(user: Any) -> dict[str, Any]:
    """Every registered section about `user`: {"sections": {key: {"label", "rows"}}}."""
    sections = {}
    for exporter in personal_data_exporters.all():
        sections[exporter.key] = {"label": str(exporter.label), "rows": exporter.export(user)}
    return {
        "generated_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "sections": sections,
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    value = cell_value(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_bytes(document: dict[str, Any]) -> bytes:
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for key, section in document["sections"].items():
        title = re.sub(r"[\[\]:*?/\\]", "_", section["label"])[:28] or key[:28]
        while title in used:
            title = f"{title[:26]}_{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title=title)
        rows = section["rows"]
        headers = list(rows[0].keys()) if rows else ["-"]
        sheet.append([_cell(header) for header in headers])
        for row in rows:
            sheet.append([_cell(row.get(header)) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(export: DataExport) -> DataExport:
    document = personal_data(export.user)
    name = f"xiaoyou-data-{export.user_id}-{export.token[:8]}"
    export.json_file.save(f"{name}.json", ContentFile(json_bytes(document)), save=False)
    export.xlsx_file.save(f"{name}.xlsx", ContentFile(xlsx_bytes(document)), save=False)
    now = timezone.now()
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + timedelta(hours=EXPORT_HOURS)
    export.save(
        update_fields=["json_file", "xlsx_file", "status", "ready_at", "expires_at", "updated_at"]
    )
    return export


def _row_estimate(user: Any) -> int:
    from xiaoyou.alumni.models import RecordChange
    from xiaoyou.core.models import AuditEntry, Notification

    return (
        Notification.objects.filter(user=user).count()
        + RecordChange.objects.filter(record__user=user).count()
        + AuditEntry.objects.filter(actor_id=user.pk).count()
    )


def export_request(*, actor: Any) -> DataExport:
    """The person asks for their data. Rule: a person exports only their own data; a small
    account is prepared at once, a big one by the `privacy.export` job."""
    export = DataExport.objects.create(user=actor, token=secrets.token_urlsafe(32))
    audit.record(actor=actor, action="privacy.export_request", obj=export)
    if _row_estimate(actor) <= _sync_limit():
        return _fill(export)
    with transaction.atomic():
        job = job_create(
            kind=EXPORT_JOB_KIND,
            title=str(_("Personal data export")),
            actor=actor,
            params={"export_id": export.pk},
        )
        DataExport.objects.filter(pk=export.pk).update(job=job)
    export.job = job
    return export


def run_export(context: JobContext) -> dict[str, Any]:
    export = DataExport.objects.select_related("user").get(pk=context.params["export_id"])
    if export.status != ExportStatus.READY:
        _fill(export)
    context.progress(1, 1)
    return {"export_id": export.pk}


def export_download(*, actor: Any, export: DataExport, fmt: str) -> Any:
    """The file of a ready, unexpired export of `actor` (others get None); audited."""
    if export.user_id != actor.pk or export.status != ExportStatus.READY:
        return None
    if export.expires_at is None or export.expires_at <= timezone.now():
        return None
    DataExport.objects.filter(pk=export.pk).update(download_count=export.download_count + 1)
    audit.record(actor=actor, action="privacy.export_download", obj=export, changes={"format": fmt})
    return export.json_file if fmt == "json" else export.xlsx_file


def exports_delete_expired() -> int:
    """Removes the files of expired exports (run nightly)."""
    count = 0
    for export in DataExport.objects.filter(expires_at__lte=timezone.now()):
        for stored in (export.json_file, export.xlsx_file):
            if stored:
                stored.delete(save=False)
        export.delete()
        count += 1
    return count


def _may_start(user: Any, org: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def register() -> None:
    register_job(EXPORT_JOB_KIND, run_export, _("Personal data export"), _may_start)
