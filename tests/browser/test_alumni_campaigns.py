"""Browser journey of an information campaign (信息采集): staff create it for a class in the
console (desktop) and open its share link; anonymous alumni answer on a phone; one answer is
applied, another conflicts with a verified value and waits in the to-do list where staff approve
it; the class liaison sees "2 of 3 answered"."""

from __future__ import annotations

import os

import pytest
from django.utils.translation import gettext, override

from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
from xiaoyou.alumni.models import (
    AlumniRecord,
    CollectionCampaign,
    CollectionResponse,
    RecordChange,
    VerificationState,
)
from xiaoyou.alumni.names import name_keys

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(org, name, **fields):
    pinyin, initials = name_keys(name)
    return AlumniRecordFactory(
        org=org,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        source="import",
        graduation_year=2009,
        enrollment_year=2005,
        class_name="计算机051",
        **fields,
    )


def _answer(page, link, name, student_id, city, screenshot, shot):
    page.goto(link)
    page.locator('input[name="identity_name"]').fill(name)
    page.locator('input[name="identity_student_id"]').fill(student_id)
    page.locator('input[name="city"]').fill(city)
    if shot:
        screenshot(page, "alumni-campaign-form-mobile", full_page=True)
    page.locator('[data-action="submit-answers"]').click()
    page.locator("[data-response-status]").wait_for()
    return page.locator("[data-response-status]").get_attribute("data-response-status")


def test_campaign_from_console_to_phone_to_review_to_liaison(
    desktop_page, mobile_page, sign_in, screenshot, org_tree, college_admin
):
    computing = DepartmentFactory(name="计算机学院", org=org_tree.college)
    zhao = _record(org_tree.root, "赵一", student_id="C05001", department=computing)
    qian = _record(
        org_tree.root,
        "钱二",
        student_id="C05002",
        department=computing,
        city="北京",
        verification=VerificationState.VERIFIED,
    )
    _record(org_tree.root, "孙三", student_id="C05003", department=computing)
    liaison = UserFactory(email="liaison@example.com", display_name="班长")

    # 1. Staff create the campaign in the console.
    page = desktop_page
    sign_in(page, college_admin)
    page.goto("/console/alumni/campaigns/")
    page.locator('[data-action="new-campaign"]').first.click()
    page.wait_for_url("**/console/alumni/campaigns/new")
    page.locator('input[name="title"]').fill("计算机051 毕业十五周年信息更新")
    page.locator('input[name="graduation_year"]').fill("2009")
    page.locator('select[name="department"]').select_option(str(computing.pk))
    page.locator('input[name="class_name"]').fill("计算机051")
    page.locator('input[name="asked_fields"][value="city"]').check()
    page.locator('input[name="asked_fields"][value="employer"]').check()
    page.locator('textarea[name="liaisons"]').fill("liaison@example.com")
    screenshot(page, "alumni-campaign-create-desktop", full_page=True)
    page.locator('[data-action="save-campaign"]').click()
    page.wait_for_url("**/console/alumni/campaigns/*/")
    campaign = CollectionCampaign.objects.get()
    assert list(campaign.liaisons.all()) == [liaison]
    link = page.locator("#campaign-link").input_value()
    assert link.endswith(f"/c/{campaign.code}/")
    assert page.locator("figure.qr svg").count() == 1
    assert page.locator("[data-answered]").inner_text().strip() == "0 / 3"
    screenshot(page, "alumni-campaign-detail-desktop", full_page=True)
    # The share link opens the public form.
    page.goto(link)
    assert page.locator("[data-campaign-response]").count() == 1

    # 2. Anonymous alumni answer on a phone: one is applied, one conflicts.
    phone = mobile_page
    assert _answer(phone, link, "赵一", "C05001", "杭州", screenshot, shot=True) == "applied"
    screenshot(phone, "alumni-campaign-thanks-mobile")
    zhao.refresh_from_db()
    assert zhao.city == "杭州"
    assert _answer(phone, link, "钱二", "C05002", "深圳", screenshot, shot=False) == "conflict"
    qian.refresh_from_db()
    assert qian.city == "北京"

    # 3. The conflict waits in the to-do list; staff approve it.
    page.goto("/console/alumni/campaigns/")
    page.goto(f"/console/alumni/campaigns/{campaign.pk}/")
    assert page.locator("[data-answered]").inner_text().strip() == "2 / 3"
    page.goto("/console/todos/")
    item = page.locator("a", has_text="计算机051 毕业十五周年信息更新").first
    item.click()
    page.wait_for_url("**/console/todos/*/")
    screenshot(page, "alumni-campaign-conflict-review-desktop", full_page=True)
    with override("zh-hans"):
        approve = gettext("Approve")
    page.locator(".review-decide button", has_text=approve).click()
    page.wait_for_load_state()
    qian.refresh_from_db()
    assert qian.city == "深圳"
    change = RecordChange.objects.get(record=qian, field="city")
    assert (change.old_value, change.new_value, change.source) == ("北京", "深圳", "campaign")
    assert CollectionResponse.objects.filter(status="applied").count() == 2

    # 4. The liaison sees the class's progress on their phone.
    sign_in(phone, liaison)
    phone.goto("/me/")
    phone.locator('a[href="/c/"]').click()
    phone.wait_for_url("**/c/")
    phone.locator(f'[data-campaign="{campaign.pk}"]').click()
    phone.wait_for_url(f"**/c/{campaign.code}/progress")
    with override("zh-hans"):
        expected = gettext("%(answered)s of %(total)s answered") % {"answered": 2, "total": 3}
    assert phone.locator("[data-progress]").inner_text().strip() == expected
    assert "孙三" in phone.locator("[data-waiting]").inner_text()
    assert "赵一" in phone.locator("[data-answered]").inner_text()
    screenshot(phone, "alumni-campaign-liaison-mobile", full_page=True)
    assert AlumniRecord.objects.filter(user=liaison).count() == 0
