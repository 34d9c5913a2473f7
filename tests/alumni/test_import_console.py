"""Console pages of the import: upload, mapping (save/apply), preview, run as a job, report, undo."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.alumni.import_files import import_env, messy_workbook
from tests.organizations.org_support import console_login
from xiaoyou.alumni.models import AlumniRecord, ImportBatch, ImportMapping, ImportStatus
from xiaoyou.core.models import Job, JobStatus

__all__ = ["import_env"]


def _upload(client, path):
    with path.open("rb") as handle:
        return client.post(
            reverse("console:alumni_import"),
            {"file": SimpleUploadedFile(path.name, handle.read()), "key_field": "student_id"},
        )


def test_upload_map_preview_run_report_undo(
    import_env, org_tree, college_admin, client, tmp_path, django_capture_on_commit_callbacks
):
    console_login(client, college_admin)
    client.post(reverse("console:switch_org"), {"org": org_tree.college.pk})
    response = _upload(client, messy_workbook(tmp_path / "messy.xlsx"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:alumni_import_mapping", args=[batch.pk])
    assert batch.org == org_tree.college

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="phone" selected>' in html
    assert "联系方式/手机" in html and "Header found on row(s) 3, 4." in html

    columns = {f"col_{index}": field for index, field in batch.mapping.items()}
    columns["col_9"] = ""  # leave the employer out
    response = client.post(
        response["Location"],
        {**columns, "key_field": "student_id", "action": "save", "mapping_name": "教务处名单"},
    )
    assert response.status_code == 200
    saved = ImportMapping.objects.get(org=org_tree.college, name="教务处名单")
    assert saved.mapping["labels"]["联系方式/手机"] == "phone"
    assert "工作单位" not in saved.mapping["labels"]
    response = client.post(
        reverse("console:alumni_import_mapping", args=[batch.pk]),
        {"action": "apply", "saved": saved.pk},
    )
    assert '<option value="employer" selected>' not in response.content.decode()
    response = client.post(
        reverse("console:alumni_import_mapping", args=[batch.pk]),
        {**columns, "key_field": "student_id", "action": "preview"},
    )
    assert response["Location"] == reverse("console:alumni_import_preview", args=[batch.pk])

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "13800138000" in text and "Not a mobile phone number" in text
    assert text.count('class="is-invalid"') == 4

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:alumni_import_run", args=[batch.pk]), {"dry_run": "1"}
        )
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, AlumniRecord.objects.count()) == (
        ImportStatus.VALIDATED,
        6,
        0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:alumni_import_run", args=[batch.pk]))
    assert response["Location"] == reverse("console:alumni_import_detail", args=[batch.pk])
    batch.refresh_from_db()
    job = Job.objects.get(pk=batch.job_id)
    assert (job.status, job.result["created"], job.result["rejected"]) == (
        JobStatus.SUCCEEDED,
        6,
        4,
    )
    assert (batch.status, batch.created_count, batch.rejected_count) == (ImportStatus.DONE, 6, 4)
    assert AlumniRecord.objects.filter(employer="").count() == 6

    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-created">6<' in detail
    assert reverse("console:alumni_import_report", args=[batch.pk]) in detail
    report = client.get(reverse("console:alumni_import_report", args=[batch.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [row[:2] for row in rows[1:]] == [
        (12, "Mobile phone: Not a mobile phone number"),
        (13, "Department: Unknown department “外星学院”"),
        (14, "Same person as row 5 of this file"),
        (15, "Name: A name is required"),
    ]

    home = client.get(reverse("console:alumni_import")).content.decode()
    assert "messy.xlsx" in home and reverse("console:alumni_import_undo", args=[batch.pk]) in home
    assert client.get(reverse("console:alumni_import_undo", args=[batch.pk])).status_code == 200
    client.post(reverse("console:alumni_import_undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and AlumniRecord.objects.count() == 0


def test_corrupt_upload_shows_the_error(import_env, org_tree, college_admin, client):
    console_login(client, college_admin)
    response = client.post(
        reverse("console:alumni_import"), {"file": SimpleUploadedFile("x.xlsx", b"garbage")}
    )
    assert response.status_code == 400
    assert "not a valid Excel workbook" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_other_orgs_imports_are_not_found(
    import_env, org_tree, college_admin, regional_admin, client, tmp_path
):
    console_login(client, college_admin)
    _upload(client, messy_workbook(tmp_path / "messy.xlsx"))
    batch = ImportBatch.objects.get()
    client.logout()
    console_login(client, regional_admin)
    assert client.get(reverse("console:alumni_import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("console:alumni_import_run", args=[batch.pk])).status_code == 404
