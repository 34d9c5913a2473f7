"""Browser journey: an organization admin (the platform admin persona) creates a regional
association with manual review and a join form of a required text question and a choice
question, on a desktop; then sees it in the list, the tree and its detail page."""

from __future__ import annotations

import pytest

from xiaoyou.organizations.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_regional_association_with_a_join_form(
    desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto("/console/orgs/")
    assert page.locator('.nav-link.is-active[data-nav="organizations"]').count() == 1
    screenshot(page, "orgs-list-desktop")
    page.locator('[data-action="create-org"]').click()
    page.wait_for_selector("form[data-org-form]")
    screenshot(page, "orgs-create-empty-desktop")

    page.fill("input[name=name]", "苏州校友会")
    page.fill("input[name=short_name]", "苏州校友会")
    page.select_option("select[name=kind]", "regional")
    page.select_option("select[name=parent]", str(org_tree.root.pk))
    page.fill("input[name=phone]", "0512-65110000")
    page.fill("input[name=province]", "江苏省")
    page.fill("input[name=city]", "苏州")
    page.fill("input[name=address]", "苏州工业园区星湖街 328 号")
    # The introduction is typed into the rich-text editor, not the hidden textarea.
    editor = page.locator(".rich-area")
    editor.click()
    page.keyboard.type("苏州校友会联络在苏州工作和生活的校友。")
    page.check("input[name=approval_mode][value=manual]")
    page.fill("textarea[name=joining_requirements]", "在苏州工作或生活的本校毕业生。")

    # Question 1: a required text field.
    page.locator("[data-join-add]").click()
    page.fill("input[name=join-0-label]", "工作单位")
    page.check("input[name=join-0-required]")
    # Question 2: a choice field; its choices box appears when the type is a choice.
    page.locator("[data-join-add]").click()
    page.fill("input[name=join-1-label]", "所在区")
    assert not page.locator("textarea[name=join-1-choices]").is_visible()
    page.select_option("select[name=join-1-type]", "choice")
    page.fill("textarea[name=join-1-choices]", "姑苏区\n工业园区\n吴中区")
    page.fill("input[name=join-1-help]", "常住的区")
    # A third question, added by mistake, is removed again.
    page.locator("[data-join-add]").click()
    page.locator("[data-join-field]").nth(2).locator("[data-join-remove]").click()
    assert page.locator("[data-join-field]:visible").count() == 2
    assert page.locator("[data-join-count]").inner_text() == "2"
    # And the choice question goes first.
    page.locator("[data-join-field]").nth(1).locator("[data-join-up]").click()
    assert page.locator("[data-join-field]:visible [data-join-number]").all_inner_texts() == [
        "1",
        "2",
    ]
    page.locator("[data-join-builder]").scroll_into_view_if_needed()
    screenshot(page, "orgs-create-join-form-desktop")

    page.locator('[data-action="save"]').click()
    page.wait_for_selector('[data-figure="members"]')
    org = Organization.objects.get(name="苏州校友会")
    assert page.url.endswith(f"/console/orgs/{org.pk}/")
    assert (org.kind, org.parent_id, org.province, org.city) == (
        "regional",
        org_tree.root.pk,
        "江苏省",
        "苏州",
    )
    assert org.approval_mode == "manual"
    # Typed into an empty editor, the text has no block around it; it is kept as it is.
    assert org.introduction == "苏州校友会联络在苏州工作和生活的校友。"
    assert org.join_form == [
        {
            "key": "field_1",
            "label": "所在区",
            "type": "choice",
            "required": False,
            "choices": ["姑苏区", "工业园区", "吴中区"],
            "help": "常住的区",
        },
        {
            "key": "field_2",
            "label": "工作单位",
            "type": "text",
            "required": True,
            "choices": [],
            "help": "",
        },
    ]
    assert page.locator("#join-form-title").is_visible()
    assert page.locator("text=所在区").count() >= 1
    screenshot(page, "orgs-detail-desktop", full_page=True)

    page.goto("/console/orgs/?view=tree")
    assert page.locator(f'.org-tree-item[data-org="{org.pk}"] .org-tree-name').inner_text() == (
        "苏州校友会"
    )
    screenshot(page, "orgs-tree-desktop")


def test_statistics_charts(desktop_page, sign_in, screenshot, org_tree, platform_admin):
    """The statistics page draws its charts with the local ECharts and lists the same figures."""
    from tests.factories import AlumniRecordFactory, DepartmentFactory, UserFactory
    from tests.organizations.org_support import local, member

    departments = [
        DepartmentFactory(name=name, code=code)
        for name, code in (("计算机学院", "CS"), ("经济管理学院", "EM"), ("外国语学院", "FL"))
    ]
    cities = ["北京", "上海", "深圳", "杭州", "上海", "北京", "上海"]
    industries = ["互联网", "金融", "教育", "互联网", "制造业", "互联网", "金融"]
    for index in range(21):
        record = AlumniRecordFactory(
            org=org_tree.root,
            department=departments[index % 3],
            graduation_year=2005 + index % 9,
            city=cities[index % 7],
            industry=industries[index % 7],
        )
        org = (org_tree.college, org_tree.regional, org_tree.root)[index % 3]
        member(
            org,
            user=UserFactory(password="!unusable"),
            record=record,
            joined=local(2024 + index // 12, index % 12 + 1, 8),
        )
    page = desktop_page
    sign_in(page, platform_admin)
    page.goto(f"/console/orgs/{org_tree.root.pk}/stats")
    page.wait_for_selector('[data-chart="months"] svg')
    assert page.locator('[data-figure="total"] .stat-value').inner_text() == "21"
    for key in ("departments", "graduation_years", "cities", "industries"):
        page.wait_for_selector(f'[data-chart="{key}"] svg')
    assert page.locator('[data-stats="departments"] tbody tr').count() == 3
    screenshot(page, "orgs-stats-desktop", full_page=True)
