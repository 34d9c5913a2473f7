"""Browser journey of a poll (投票, issue 9): staff create and publish a poll in the console and
take an option's canvassing link (拉票); on a phone an alumnus opens that link, votes for the
option and sees the results; a second vote by the same person (from a second tab) is refused;
staff pause the poll (a vote is refused while paused), resume it (the vote counts) and close it
(the hall says so, the vote form is gone)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import UserFactory
from xiaoyou.polls.models import CanvassLink, Poll, PollStatus, Vote

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_and_rates(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _zh(message: str) -> str:
    """The text the zh-CN browser sees (English until the message is translated)."""
    with translation.override("zh-hans"):
        return gettext(message)


def _toast(page, kind: str) -> str:
    toast = page.locator(f"#toasts .toast-{kind} .toast-message").last
    toast.wait_for()
    return toast.inner_text().strip()


def test_poll_shared_voted_through_a_canvassing_link_paused_and_closed(
    browser, live_server, desktop_page, mobile_page, sign_in, screenshot, org_tree,
    college_admin, verified_alumnus,
):  # fmt: skip
    staff = desktop_page
    sign_in(staff, college_admin)
    staff.goto("/console/polls/new")
    staff.fill("#id_title", "年度最受欢迎老师")
    staff.fill("#id_description", "<p>请选出你心中最受欢迎的老师。</p>")
    now = timezone.localtime()
    staff.fill("#id_starts_at", (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_ends_at", (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_options-0-label", "张老师")
    staff.fill("#id_options-1-label", "李老师")
    staff.locator('[data-action="add-option"]').click()
    staff.fill("#id_options-2-label", "王老师")
    staff.locator('[data-action="save-poll"]').click()
    staff.wait_for_url(re.compile(r"/console/polls/\d+/$"))
    poll = Poll.objects.get()
    assert poll.org == org_tree.college and poll.status == PollStatus.DRAFT
    staff.locator('[data-action="poll-publish"]').click()
    staff.locator('[data-poll-status="published"]').wait_for()
    screenshot(staff, "polls-console-edit", full_page=True)

    # 拉票: the link of 李老师, as the console shows it (with its QR code).
    li = poll.options.get(label="李老师")
    staff.locator('[data-poll-tab="links"]').click()
    row = staff.locator(f'[data-official-links] tr[data-option="{li.pk}"]')
    link_url = row.locator("[data-link-url]").inner_text().strip()
    assert row.locator("svg").count() == 1
    token = CanvassLink.objects.get(option=li, sharer__isnull=True).token
    assert link_url.endswith(f"/polls/l/{token}")

    # On a phone: the alumnus opens the link in two tabs (a forwarded message opened twice).
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(link_url)
    phone.wait_for_url(re.compile(rf"/polls/{poll.pk}/\?option={li.pk}"))
    second_tab = phone.context.new_page()
    second_tab.goto(link_url)
    option = phone.locator(f"#option-{li.pk}")
    assert "is-highlighted" in (option.get_attribute("class") or "")
    assert option.locator('input[name="options"]').is_checked()
    phone.locator('[data-action="vote"]').click()
    assert _toast(phone, "success") == _zh("Thank you, your vote is counted.")
    phone.locator("[data-my-vote]").wait_for()
    assert phone.locator(f'[data-result-option="{li.pk}"] [data-votes]').inner_text() == "1"
    assert phone.locator('[data-action="vote"]').count() == 0
    screenshot(phone, "polls-hall-voted", full_page=True)
    vote = Vote.objects.get()
    assert vote.user == verified_alumnus and vote.canvass_link.token == token
    assert list(vote.choices.values_list("option_id", flat=True)) == [li.pk]

    # The second tab still shows the form: voting again is refused, with the reason.
    second_tab.locator(f"#option-{poll.options.get(label='王老师').pk} input").check()
    second_tab.locator('[data-action="vote"]').click()
    assert _toast(second_tab, "error") == _zh("You have already voted in this poll.")
    assert Vote.objects.count() == 1
    second_tab.close()

    # Staff pause while another alumna has the page open: her vote is refused.
    friend = UserFactory(display_name="李娜")
    other = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    friend_phone = other.new_page()
    sign_in(friend_phone, friend)
    friend_phone.goto(f"/polls/{poll.pk}/")
    staff.goto(f"/console/polls/{poll.pk}/")
    staff.locator('[data-action="poll-pause"]').click()
    staff.locator('[data-poll-status="paused"]').wait_for()
    friend_phone.locator(f"#option-{poll.options.get(label='张老师').pk} input").check()
    friend_phone.locator('[data-action="vote"]').click()
    assert _toast(friend_phone, "error") == _zh("Voting is paused for now. Please come back later.")
    friend_phone.locator("[data-poll-paused]").wait_for()
    assert Vote.objects.count() == 1

    # Resumed: her vote counts, and the console's statistics page shows it live.
    staff.locator('[data-action="poll-resume"]').click()
    staff.locator('[data-poll-status="published"]').wait_for()
    staff.locator('[data-poll-tab="statistics"]').click()
    staff.wait_for_function("window.xiaoyouPollStats && window.xiaoyouPollStats.options")
    assert staff.locator("[data-live-total]").inner_text() == "1"
    friend_phone.reload()
    zhang = poll.options.get(label="张老师")
    friend_phone.locator(f"#option-{zhang.pk} input").check()
    friend_phone.locator('[data-action="vote"]').click()
    friend_phone.locator("[data-my-vote]").wait_for()
    assert Vote.objects.count() == 2
    staff.wait_for_function(
        "document.querySelector('[data-live-total]').textContent === '2'", timeout=15_000
    )
    live = staff.locator(f'[data-live-results] [data-result-option="{zhang.pk}"] [data-votes]')
    assert live.inner_text() == "1"
    screenshot(staff, "polls-console-statistics", full_page=True)
    staff.locator('[data-poll-tab="details"]').click()

    # Closed (after the confirmation): the hall says so and offers no vote.
    staff.locator('[data-action="poll-close"]').click()
    staff.locator("#confirm-dialog .confirm-ok").click()
    staff.locator('[data-poll-status="closed"]').wait_for()
    phone.reload()
    phone.locator("[data-poll-closed]").wait_for()
    assert phone.locator('[data-action="vote"]').count() == 0
    assert phone.locator('[data-total-votes="2"]').count() == 1
    screenshot(phone, "polls-hall-closed", full_page=True)
    other.close()
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED and poll.vote_count == 2
