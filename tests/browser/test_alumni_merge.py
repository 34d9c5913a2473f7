"""Browser journey: find duplicates from the console, compare two records side by side, choose
a value per field and merge (desktop)."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.factories import AlumniRecordFactory
from xiaoyou.alumni.models import AlumniRecord, DuplicateCandidate, DuplicateStatus, RecordChange
from xiaoyou.alumni.names import name_keys

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(org, name, **fields):
    pinyin, initials = name_keys(name)
    return AlumniRecordFactory(
        org=org, name=name, name_pinyin=pinyin, name_initials=initials, **fields
    )


def test_merge_two_duplicates_through_the_console(
    desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    birth = datetime.date(1985, 6, 1)
    keep = _record(org_tree.root, "张伟", birth_date=birth, phone="13900000001", city="北京")
    other = _record(org_tree.root, "張偉", birth_date=birth, phone="13900000002", city="上海")
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/alumni/duplicates/")
    assert page.locator("tr[data-candidate]").count() == 0
    page.locator('[data-action="find-duplicates"]').click()
    # The detection runs; the page reloads with the pair found.
    row = page.locator("tr[data-candidate]")
    row.first.wait_for(timeout=20_000)
    assert row.count() == 1
    screenshot(page, "alumni-duplicates-list-desktop")
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.first_id, candidate.second_id) == (keep.pk, other.pk)

    row.locator(f'a[href="/console/alumni/duplicates/{candidate.pk}/merge"]').click()
    page.wait_for_url(f"**/console/alumni/duplicates/{candidate.pk}/merge")
    # Equal values need no choice; differing ones offer both, the kept one preselected.
    assert page.locator('input[name="choice_birth_date"]').count() == 0
    assert page.locator('input[name="choice_city"][value="keep"]').is_checked()
    page.locator('tr[data-field="city"] input[value="other"]').check()
    screenshot(page, "alumni-merge-side-by-side-desktop", full_page=True)
    page.locator('[data-action="merge"]').click()
    page.locator("#confirm-dialog .confirm-ok").click()
    page.wait_for_url("**/console/alumni/duplicates/")
    assert page.locator("tr[data-candidate]").count() == 0
    screenshot(page, "alumni-duplicates-after-merge-desktop")

    keep.refresh_from_db()
    merged = AlumniRecord.objects.get(pk=other.pk)
    assert (keep.city, keep.phone, keep.name) == ("上海", "13900000001", "张伟")
    assert merged.merged_into_id == keep.pk and merged.deleted_at is not None
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    city = RecordChange.objects.get(record=keep, field="city")
    assert city.old_value == {"kept": "北京", "merged": "上海", "record": other.pk}
    assert city.new_value == "上海"
