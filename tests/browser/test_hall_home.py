"""Browser journeys (phone): the hall home with its header, menu and sections; a signed-in
user who is not a member joins the main association from the personal center's invitation."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import BoardMessageFactory, HelpPostFactory
from tests.factories import MembershipFactory, UserFactory
from xiaoyou.organizations.models import ApprovalMode, Membership

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_on_a_phone_shows_header_menu_and_sections(
    mobile_page, sign_in, screenshot, org_tree, verified_alumnus
):
    start = timezone.now() - dt.timedelta(hours=1)
    for index in range(12):
        MembershipFactory(
            org=org_tree.root,
            user=UserFactory(display_name=f"校友{index:02d}"),
            joined_at=start + dt.timedelta(minutes=index),
        )
    BoardMessageFactory(org=org_tree.root, title="校友卡怎么办理")
    HelpPostFactory(org=org_tree.root, title="上海求合租")
    page = mobile_page
    page.goto("/")
    assert page.locator("#hero-title").inner_text() == "示范大学校友总会"
    assert page.locator("[data-home-menu] a").count() >= 3
    members = page.locator("[data-home-recent-members] li[data-member]")
    assert members.count() == 10
    assert page.locator(".recent-member-name").count() == 0  # visitors see no names
    assert page.locator(".hall-tabbar").is_visible()
    screenshot(page, "hall-home-visitor-mobile", full_page=True)

    sign_in(page, verified_alumnus)
    page.goto("/")
    sections = page.locator("[data-section]")
    keys = [sections.nth(index).get_attribute("data-section") for index in range(sections.count())]
    assert keys[0] == "recent_members"
    assert {"community_board", "community_help"} <= set(keys)
    assert page.locator(".recent-member-name").first.inner_text() == "校友11"
    assert page.get_by_text("校友卡怎么办理").is_visible()
    # The recently joined grid fits the phone's width (no horizontal scrolling).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "hall-home-member-mobile", full_page=True)


def test_a_non_member_joins_the_main_association_from_the_personal_center(
    mobile_page, sign_in, screenshot, org_tree, unverified_user
):
    root = org_tree.root
    root.approval_mode = ApprovalMode.AUTOMATIC
    root.join_form = [{"key": "company", "label": "工作单位", "type": "text", "required": True}]
    root.save(update_fields=["approval_mode", "join_form"])
    page = mobile_page
    sign_in(page, unverified_user)
    page.goto(reverse("hall:me"))
    cta = page.locator("[data-main-join-link]")
    assert cta.is_visible()
    screenshot(page, "hall-me-join-invitation-mobile", full_page=True)
    cta.click()
    page.wait_for_url(f"**{reverse('hall:org_join', args=[root.pk])}")
    page.click("[data-action='submit-join']")  # the required field is empty: inline error
    page.wait_for_load_state("load")
    assert page.locator(".form-field.has-error[data-field='company']").count() == 1
    page.fill("[name='company']", "示范科技")
    page.click("[data-action='submit-join']")
    page.wait_for_url(f"**{reverse('hall:org_join_result', args=[root.pk])}")
    assert page.locator("[data-join-result='member']").count() == 1
    assert Membership.objects.get(org=root, user=unverified_user).answers == {"company": "示范科技"}

    page.goto(reverse("hall:me"))
    assert page.locator("[data-main-join]").count() == 0
    edit = page.locator("[data-edit-join-info]")
    assert edit.is_visible()
    edit.click()
    page.wait_for_url(f"**{reverse('hall:org_my_info', args=[root.pk])}")
    assert page.input_value("[name='company']") == "示范科技"
    screenshot(page, "hall-me-member-mobile", full_page=True)
