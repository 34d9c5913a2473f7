"""Console pages of the bulk import (批量导入): upload, mapping, preview, run, result, undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.alumni.importing.fields import KEY_CHOICES, field_choices
from xiaoyou.alumni.models import CustomField, ImportBatch, ImportMapping, ImportStatus
from xiaoyou.alumni.services import importing
from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError

HISTORY_SIZE = 30
SAMPLE_ROWS = 3


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    # Another organization's import is "not found": its existence is not told.
    batch = (
        policy.scoped(ImportBatch.objects.select_related("org", "job"), request.user, "view")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def import_home(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    error = ""
    if request.method == "POST" and org is not None:
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to upload.")
        else:
            try:
                batch = importing.import_upload(
                    org=org,
                    actor=request.user,
                    upload=upload,
                    key_field=request.POST.get("key_field", "student_id"),
                )
            except ApplicationError as exc:
                error = exc.text()
            else:
                return redirect("console:alumni_import_mapping", pk=batch.pk)
    history = in_current_org(
        policy.scoped(
            ImportBatch.objects.select_related("created_by", "job"), request.user, "view"
        ),
        request,
    ).order_by("-created_at", "-id")[:HISTORY_SIZE]
    return render(
        request,
        "alumni/console/import/home.html",
        {"org": org, "error": error, "history": history, "key_choices": KEY_CHOICES},
        status=400 if error else 200,
    )


def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    header = importing.batch_header(batch)
    saved_mappings = ImportMapping.objects.filter(org=batch.org).order_by("name")
    mapping = dict(batch.mapping)
    key_field = batch.key_field
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if action == "apply":
            saved = saved_mappings.filter(pk=request.POST.get("saved") or 0).first()
            if saved is not None:
                mapping = importing.mapping_apply(batch=batch, saved=saved, header=header)
        else:
            mapping = {
                str(index): request.POST.get(f"col_{index}", "")
                for index in range(len(header.labels))
            }
            key_field = request.POST.get("key_field", key_field)
            try:
                importing.import_set_mapping(
                    batch=batch, actor=request.user, mapping=mapping, key_field=key_field
                )
                if action == "save" and request.POST.get("mapping_name", "").strip():
                    importing.mapping_save(
                        org=batch.org,
                        actor=request.user,
                        name=request.POST["mapping_name"],
                        mapping=importing.mapping_payload(header, mapping),
                    )
                    messages.success(request, _("Mapping saved."))
                if action == "preview":
                    return redirect("console:alumni_import_preview", pk=batch.pk)
            except ApplicationError as exc:
                error = exc.text()
    samples = _samples(batch, header.data_start)
    columns = [
        {
            "index": index,
            "label": label,
            "field": mapping.get(str(index), ""),
            "samples": [row[index] if index < len(row) else "" for row in samples],
        }
        for index, label in enumerate(header.labels)
    ]
    return render(
        request,
        "alumni/console/import/mapping.html",
        {
            "batch": batch,
            "columns": columns,
            "choices": field_choices(CustomField.objects.filter(is_active=True)),
            "key_choices": KEY_CHOICES,
            "key_field": key_field,
            "saved_mappings": saved_mappings,
            "header_rows": [row + 1 for row in header.header_rows],
            "error": error,
        },
        status=400 if error else 200,
    )


def _samples(batch: ImportBatch, data_start: int) -> list[list[str]]:
    from xiaoyou.alumni.importing.normalize import text
    from xiaoyou.alumni.importing.readers import open_sheet

    rows: list[list[str]] = []
    with importing.local_path(batch) as path:
        for index, row in enumerate(open_sheet(path, batch.file_name).rows()):
            if index < data_start or not any(text(cell) for cell in row):
                continue
            rows.append([text(cell) for cell in row])
            if len(rows) >= SAMPLE_ROWS:
                break
    return rows


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    rows = importing.import_preview(batch=batch, actor=request.user)
    labels = dict(field_choices(CustomField.objects.filter(is_active=True)))
    mapped = sorted(
        ((int(column), target) for column, target in batch.mapping.items() if target),
    )
    return render(
        request,
        "alumni/console/import/preview.html",
        {
            "batch": batch,
            "rows": rows,
            "headings": [labels.get(target, target) for _column, target in mapped],
            "problems": sum(1 for row in rows if row.reason),
        },
    )


@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    dry_run = request.POST.get("dry_run") == "1"
    try:
        importing.import_run(batch=batch, actor=request.user, dry_run=dry_run)
    except ApplicationError as exc:
        messages.error(request, exc.text())
    return redirect("console:alumni_import_detail", pk=batch.pk)


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    context: dict[str, Any] = {
        "batch": batch,
        "job": batch.job,
        "running": batch.status == ImportStatus.RUNNING,
        "may_undo": batch.status == ImportStatus.DONE
        and not batch.is_dry_run
        and policy.can(request.user, "undo", batch),
        "may_run": batch.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATED),
        "summary": (batch.job.result if batch.job and batch.job.result else {}),
    }
    return render(request, "alumni/console/import/detail.html", context)


def import_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = _batch(request, pk)
    if not batch.report:
        raise Http404
    stem = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(
        batch.report.open("rb"), as_attachment=True, filename=f"{stem}-rejected.xlsx"
    )


def import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.method == "POST":
        try:
            importing.import_undo(batch=batch, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.text())
        else:
            messages.success(request, _("The import was undone."))
        return redirect("console:alumni_import_detail", pk=batch.pk)
    return render(request, "alumni/console/import/undo.html", {"batch": batch})
