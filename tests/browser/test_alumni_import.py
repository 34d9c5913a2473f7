"""Browser journey (desktop): import a messy spreadsheet through the console with the column
mapping and the preview, download the rejected rows, fix them and import them again."""

from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook

from tests.alumni.import_files import import_env, messy_workbook
from xiaoyou.alumni.models import AlumniRecord, ImportBatch, ImportStatus

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["import_env"]


def _upload_map_preview_import(page, path, screenshot, name):
    page.goto("/console/alumni/import/")
    page.locator("#import-file").set_input_files(str(path))
    page.locator('[data-testid="import-upload"] button[type="submit"]').click()
    mapping = page.locator('[data-testid="import-mapping"]')
    mapping.wait_for()
    screenshot(page, f"alumni-import-{name}-mapping", full_page=True)
    mapping.locator('button[value="preview"]').click()
    page.locator('[data-testid="import-preview"]').wait_for()
    screenshot(page, f"alumni-import-{name}-preview", full_page=True)
    return page


def test_import_messy_spreadsheet_then_fix_and_reimport_rejected_rows(
    desktop_page, sign_in, screenshot, org_tree, college_admin, import_env, tmp_path
):
    page = desktop_page
    sign_in(page, college_admin)
    _upload_map_preview_import(page, messy_workbook(tmp_path / "messy.xlsx"), screenshot, "first")
    # The suggested mapping found the merged 联系方式 → 手机 column; the preview marks the bad rows.
    assert page.locator('[data-testid="import-preview"] tbody tr.is-invalid').count() == 4
    # Phones normalized (138 0013 8000 -> 13800138000; the repeated person's row too).
    assert page.locator('[data-testid="import-preview"] td', has_text="13800138000").count() == 2
    assert page.locator('[data-testid="import-preview"] td', has_text="13900139000").count() == 1
    page.locator('form[action$="/run"]:not(:has(input[name="dry_run"])) button').click()
    page.locator('[data-testid="import-result"]').wait_for()
    page.locator('[data-testid="count-created"]', has_text="6").wait_for(timeout=20_000)
    assert page.locator('[data-testid="count-rejected"]').inner_text() == "4"
    screenshot(page, "alumni-import-first-result", full_page=True)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.DONE
    assert AlumniRecord.objects.count() == 6

    with page.expect_download() as download_info:
        page.locator('[data-testid="import-report"]').click()
    report_path = tmp_path / "rejected.xlsx"
    download_info.value.save_as(report_path)

    # Fix the rejected rows in the downloaded report and import it again.
    workbook = load_workbook(report_path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = {label: index + 1 for index, label in enumerate(header)}
    for row in range(2, sheet.max_row + 1):
        number = sheet.cell(row, 1).value
        if number == 12:
            sheet.cell(row, column["联系方式/手机"]).value = "13200132000"
        elif number == 13:
            sheet.cell(row, column["院系"]).value = "计算机学院"
        elif number == 15:
            sheet.cell(row, column["姓名"]).value = "郑十一"
    fixed = tmp_path / "rejected-fixed.xlsx"
    workbook.save(fixed)

    _upload_map_preview_import(page, fixed, screenshot, "fixed")
    assert page.locator('[data-testid="import-preview"] tbody tr.is-invalid').count() == 0
    page.locator('form[action$="/run"]:not(:has(input[name="dry_run"])) button').click()
    page.locator('[data-testid="count-created"]', has_text="3").wait_for(timeout=20_000)
    assert page.locator('[data-testid="count-rejected"]').inner_text() == "0"
    # The repeated 张三丰 row is the person imported the first time: nothing new for them.
    assert page.locator('[data-testid="count-unchanged"]').inner_text() == "1"
    screenshot(page, "alumni-import-fixed-result", full_page=True)
    assert AlumniRecord.objects.count() == 9
    assert AlumniRecord.objects.get(student_id="2016007").phone == "13200132000"
    assert AlumniRecord.objects.get(student_id="2016009").name == "郑十一"

    # The history lists both imports; the first can still be undone (confirmed on its page).
    page.goto("/console/alumni/import/")
    assert page.locator('[data-testid="import-history"] tbody tr').count() == 2
