"""Browser journey: open a record, edit it (a field error first, then a good save) and see the
change in the record's history timeline (desktop)."""

from __future__ import annotations

import os

import pytest

from tests.factories import AlumniRecordFactory, DegreeEntryFactory
from xiaoyou.alumni.models import AlumniRecord, RecordChange

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_a_record_and_see_the_history(
    desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    record = AlumniRecordFactory(
        org=org_tree.root, name="张三丰", city="北京", employer="旧公司", phone="13800000001"
    )
    DegreeEntryFactory(record=record)
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto(f"/console/alumni/records/{record.pk}/")
    assert page.locator('[data-section="history"] .empty-state').count() == 1
    page.locator('[data-action="edit"]').click()
    page.wait_for_url(f"**/console/alumni/records/{record.pk}/edit")

    # A wrong ID number is refused inline, nothing is saved.
    page.fill('input[name="national_id"]', "110105194912310021")
    page.fill('input[name="city"]', "上海")
    page.locator('[data-action="save"]').click()
    error = page.locator('[data-field="national_id"] .errorlist')
    error.wait_for()
    assert error.inner_text().strip() != ""
    screenshot(page, "alumni-record-edit-error-desktop", full_page=True)
    assert RecordChange.objects.filter(record=record).count() == 0

    page.fill('input[name="national_id"]', "11010519491231002X")
    page.fill('input[name="city"]', "上海")
    page.fill('input[name="phone"]', "13900000002")
    page.locator('[data-action="save"]').click()
    page.wait_for_url(f"**/console/alumni/records/{record.pk}/")

    history = page.locator("table[data-history]")
    history.wait_for()
    city_row = history.locator('tr[data-history-field="city"]')
    assert city_row.count() == 1
    cells = city_row.locator("td").all_inner_texts()
    assert cells[1] == "平台管理员"
    assert cells[4:] == ["北京", "上海"]
    phone_row = history.locator('tr[data-history-field="phone"] td').all_inner_texts()
    assert phone_row[4:] == ["13800000001", "13900000002"]
    # The old phone is kept among the known contacts, no longer current.
    contacts = page.locator("[data-contacts] li").all_inner_texts()
    assert len(contacts) == 2
    assert "13900000002" in contacts[0] and "13800000001" in contacts[1]
    # The ID number is masked on the page and in the history.
    assert page.locator("[data-national-id]").inner_text().startswith("**************002X")
    assert "11010519491231002X" not in page.content()
    screenshot(page, "alumni-record-history-desktop", full_page=True)

    record = AlumniRecord.objects.get(pk=record.pk)
    assert (record.city, record.phone, record.national_id_last4) == ("上海", "13900000002", "002X")


def test_alumnus_updates_own_profile_on_a_phone(
    mobile_page, sign_in, screenshot, org_tree, verified_alumnus
):
    record = AlumniRecordFactory(
        org=org_tree.root, user=verified_alumnus, phone="13800000001", employer="旧公司"
    )
    page = mobile_page
    sign_in(page, verified_alumnus)
    page.goto("/me/")
    page.locator('a[href="/me/profile/"]').click()
    page.wait_for_url("**/me/profile/")
    page.fill('input[name="phone"]', "12")
    page.locator('[data-action="save"]').click()
    page.locator('[data-field="phone"] .errorlist').wait_for()
    page.fill('input[name="phone"]', "13900000002")
    page.fill('input[name="employer"]', "新公司")
    page.locator('[data-action="save"]').click()
    page.wait_for_url("**/me/profile/")
    assert page.input_value('input[name="employer"]') == "新公司"
    screenshot(page, "alumni-my-profile-mobile", full_page=True)
    rows = sorted(
        RecordChange.objects.filter(record=record).values_list("field", "old_value", "source")
    )
    assert rows == [("employer", "旧公司", "self"), ("phone", "13800000001", "self")]
