"""Browser journeys of the community (mobile hall, desktop console):
- an alumnus asks their college on the message board; the college admin approves it in the
  to-do list and answers officially; the alumnus reads the official reply in "My messages";
- an alumnus posts a housing request; another alumnus replies; the author closes it as solved.
"""

from __future__ import annotations

import os

import pytest

from tests.community.factories import CommunitySettingsFactory, make_verified
from tests.factories import UserFactory
from xiaoyou.community.models import BoardMessage, HelpPost, ModerationStatus
from xiaoyou.core.models import ReviewItem
from xiaoyou.organizations.models import ContentReviewMode

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_question_is_approved_and_answered_officially(
    mobile_page, desktop_page, sign_in, screenshot, org_tree, verified_alumnus, college_admin
):
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto("/community/board/")
    phone.locator('[data-action="new-message"]').click()
    phone.wait_for_url("**/community/board/new")
    phone.select_option("#id_org", str(org_tree.college.pk))
    phone.fill("#id_title", "返校日安排")
    phone.fill("#id_body", "请问今年返校日是哪天？\n需要提前报名吗？")
    screenshot(phone, "community-message-form-mobile", full_page=True)
    phone.locator('[data-action="post-message"]').click()
    message = BoardMessage.objects.get()
    phone.wait_for_url(f"**/community/board/{message.pk}/")
    assert phone.locator('[data-status="pending"]').count() == 1
    assert message.status == ModerationStatus.PENDING

    # The college admin approves it in the to-do list (desktop console).
    console = desktop_page
    sign_in(console, college_admin)
    console.goto("/console/todos/")
    item = ReviewItem.objects.get(object_id=str(message.pk))
    row = console.locator(f"#review-{item.pk}")
    row.locator('button[type="submit"]').first.click()
    console.locator(f"#review-{item.pk}.review-approved").wait_for()
    message.refresh_from_db()
    assert message.status == ModerationStatus.PUBLISHED

    # ... and answers officially from the console's message board.
    console.goto("/console/community/board/")
    console.locator(f'a[href="/console/community/board/{message.pk}/"]').click()
    console.fill("textarea[name=body]", "返校日是5月20日，请在校友服务大厅报名。")
    console.locator('[data-action="official-reply"]').click()
    console.locator("[data-reply][data-official]").wait_for()
    screenshot(console, "community-console-thread-desktop", full_page=True)

    # The alumnus finds the official reply under "My messages".
    phone.goto("/me/")
    phone.locator('a[href="/community/board/mine/"]').click()
    phone.wait_for_url("**/community/board/mine/")
    entry = phone.locator(f'li[data-message="{message.pk}"]')
    assert entry.locator("[data-answered]").count() == 1
    entry.locator("a.list-title").click()
    official = phone.locator("[data-reply][data-official]")
    official.wait_for()
    assert "5月20日" in official.inner_text()
    assert org_tree.college.name in official.inner_text()
    screenshot(phone, "community-official-reply-mobile", full_page=True)


def test_a_help_request_is_answered_and_closed_as_solved(
    browser, live_server, mobile_page, sign_in, screenshot, org_tree, verified_alumnus
):
    CommunitySettingsFactory(org=org_tree.root, help_review_mode=ContentReviewMode.NONE)
    make_verified(verified_alumnus, org_tree.root)
    helper = UserFactory(display_name="李热心")
    make_verified(helper, org_tree.root)

    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto("/community/help/")
    phone.locator('[data-action="new-help"]').click()
    phone.wait_for_url("**/community/help/new")
    phone.check('input[name="kind"][value="request"]')
    phone.select_option("#id_category", "housing")
    phone.fill("#id_city", "上海")
    phone.fill("#id_title", "求浦东合租")
    phone.fill("#id_body", "七月入职张江，想找校友合租。")
    phone.locator('[data-action="post-help"]').click()
    post = HelpPost.objects.get()
    phone.wait_for_url(f"**/community/help/{post.pk}/")
    assert post.status == ModerationStatus.PUBLISHED

    # Another alumnus finds it by city and category and replies.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    other = context.new_page()
    sign_in(other, helper)
    other.goto("/community/help/?category=housing&city=上海")
    other.locator(f'li[data-help-post="{post.pk}"] a.list-title').click()
    other.fill("textarea[name=body]", "我在张江有一间空房，欢迎联系。")
    other.locator('[data-action="reply"]').click()
    other.locator("[data-reply]").first.wait_for()
    context.close()

    # The author reads the reply and closes the request as solved.
    phone.reload()
    assert "空房" in phone.locator("[data-reply]").first.inner_text()
    phone.locator('[data-action="close-solved"]').click()
    phone.locator("h1 [data-solved]").wait_for()
    assert phone.locator('[data-action="reply"]').count() == 0
    screenshot(phone, "community-help-solved-mobile", full_page=True)
    post.refresh_from_db()
    assert post.is_solved and post.reply_count == 1
