"""Membership pages in a real browser.

- Console (desktop): a college admin filters the members list, ticks two members, adds them to
  a group through the confirmation step, and bans one from their detail page (the confirm
  dialog first); the other branch's member never shows.
- Hall (phone): a member re-edits their join information, sees their organizations and
  applications, and leaves a club after confirming.

Screenshots go to test-artifacts/members-*.png.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MemberGroupFactory, MembershipFactory, UserFactory
from xiaoyou.organizations.models import ApprovalMode, Membership
from xiaoyou.organizations.services import join_request_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_console_members_filter_group_and_ban(
    desktop_page, sign_in, screenshot, org_tree, college_admin
):
    page = desktop_page
    first = MembershipFactory(
        org=org_tree.college, user=UserFactory(display_name="韩梅梅", phone="+8613811112222")
    )
    second = MembershipFactory(
        org=org_tree.college, user=None, name="赵六", phone="+8613833334444", source="imported"
    )
    MembershipFactory(org=org_tree.regional, user=UserFactory(display_name="沪友"))
    group = MemberGroupFactory(org=org_tree.college, name="理事会")

    sign_in(page, college_admin)
    page.goto(reverse("console:member_list"))
    table = page.locator("#members table.table")
    assert "138****2222" in table.inner_text()
    assert "沪友" not in table.inner_text()
    assert "+8613811112222" not in page.content()
    screenshot(page, "members-1-list-desktop", full_page=True)

    page.fill("#members input[name='q']", "赵")
    page.click("#members .filters button[type='submit']")
    page.wait_for_url("**q=*")
    assert page.locator("#members tbody tr").count() == 1
    page.goto(reverse("console:member_list"))

    for membership in (first, second):
        page.check(f"input[name='ids'][value='{membership.pk}']")
    page.click("button[name='action'][value='assign_group']")
    page.wait_for_url(f"**{reverse('console:member_bulk')}")
    page.select_option("select[name='group']", str(group.pk))
    screenshot(page, "members-2-bulk-group-desktop", full_page=True)
    page.click(".bulk-confirm button[type='submit']")
    page.wait_for_url(f"**{reverse('console:member_list')}**")
    assert set(group.members.values_list("pk", flat=True)) == {first.pk, second.pk}

    page.goto(reverse("console:member_detail", args=[second.pk]))
    page.fill("[data-form='ban'] textarea[name='reason']", "冒名顶替")
    page.click("[data-form='ban'] button[type='submit']")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    dialog.locator(".confirm-ok").click()
    page.wait_for_url(f"**{reverse('console:member_detail', args=[second.pk])}")
    assert page.locator("[data-status='banned']").count() == 1
    assert Membership.objects.get(pk=second.pk).status == "banned"
    screenshot(page, "members-3-banned-desktop", full_page=True)


def test_hall_my_information_organizations_and_leaving(mobile_page, sign_in, screenshot, org_tree):
    page = mobile_page
    form = [
        {"key": "company", "label": "工作单位", "type": "text", "required": True},
        {"key": "year", "label": "毕业年份", "type": "number", "required": False},
    ]
    for org in (org_tree.college, org_tree.club):
        org.approval_mode = ApprovalMode.AUTOMATIC
        org.join_form = form
        org.save(update_fields=["approval_mode", "join_form"])
    person = UserFactory(display_name="李雷")
    join_request_submit(actor=person, org=org_tree.college, answers={"company": "示范科技"})
    join_request_submit(actor=person, org=org_tree.club, answers={"company": "示范科技"})
    join_request_submit(actor=person, org=org_tree.regional, answers={})

    sign_in(page, person)
    page.goto(reverse("hall:me"))
    page.click("[data-entry='my_orgs'] a")
    page.wait_for_url(f"**{reverse('hall:my_orgs')}")
    assert page.locator("[data-membership-org]").count() == 3
    screenshot(page, "members-4-my-orgs-mobile", full_page=True)

    page.goto(reverse("hall:org_my_info", args=[org_tree.college.pk]))
    assert page.input_value("[name='company']") == "示范科技"
    page.fill("[name='company']", "")
    page.click("[data-form='my-info'] button[type='submit']")
    page.wait_for_load_state("load")
    assert page.locator(".form-field.has-error[data-field='company']").count() == 1
    page.fill("[name='company']", "示范研究院")
    page.fill("[name='year']", "2012")
    page.click("[data-form='my-info'] button[type='submit']")
    page.wait_for_url(f"**{reverse('hall:my_orgs')}")
    answers = Membership.objects.get(org=org_tree.college, user=person).answers
    assert answers == {"company": "示范研究院", "year": 2012}

    page.goto(reverse("hall:my_applications"))
    assert page.locator("[data-status='pending']").count() == 1
    screenshot(page, "members-5-applications-mobile", full_page=True)

    page.goto(reverse("hall:org_leave", args=[org_tree.club.pk]))
    screenshot(page, "members-6-leave-mobile", full_page=True)
    page.click("[data-action='leave']")
    page.wait_for_url(f"**{reverse('hall:my_orgs')}")
    assert Membership.objects.get(org=org_tree.club, user=person).status == "left"
    assert page.locator("[data-membership-org]").count() == 2
