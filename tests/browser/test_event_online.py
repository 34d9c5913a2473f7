"""Browser journeys of an event's online activities (线上活动), alumni on phones:
- an alumnus posts a blessing; staff publish it in the console's moderation queue; it appears
  on the full-screen live wall (desktop, the venue screen) without reloading;
- alumni claim a gift with their address until the stock runs out: the next one sees "all gone";
- an alumnus reports a distance in an online walk and sees their rank on the leaderboard."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.events.factories import EventFactory
from tests.factories import UserFactory
from xiaoyou.community.models.common import ModerationStatus
from xiaoyou.events.models import Challenge, ChallengeReport, GiftClaim, GiftOffer, WallPost
from xiaoyou.events.services import online

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_and_rates(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(org_tree):
    return EventFactory(org=org_tree.college, title="建校七十周年校庆", kind="online")


def test_blessing_is_moderated_and_appears_on_the_live_wall(
    mobile_page, desktop_page, browser, live_server, sign_in, screenshot, event,
    college_admin, verified_alumnus,
):  # fmt: skip
    # The venue screen is open before anything is published.
    screen = browser.new_context(base_url=live_server.url, viewport={"width": 1920, "height": 1080})
    wall = screen.new_page()
    wall.goto(f"/events/{event.pk}/wall/live")
    wall.locator("[data-wall-waiting]").wait_for()

    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/events/{event.pk}/")
    phone.locator('[data-online-entry="wall"]').click()
    phone.wait_for_url(f"**/events/{event.pk}/wall/")
    phone.fill("#id_signature", "张伟 2008级计算机")
    phone.fill("#id_text", "七十载风华，母校生日快乐！")
    phone.locator('[data-action="post-to-wall"]').click()
    phone.locator("[data-wall-pending]").wait_for()
    screenshot(phone, "events-online-wall-posted")
    post = WallPost.objects.get()
    assert post.status == ModerationStatus.PENDING

    staff = desktop_page
    sign_in(staff, college_admin)
    staff.goto(f"/console/events/{event.pk}/online/")
    staff.locator(f'[data-wall-post="{post.pk}"] input[name="ids"]').check()
    screenshot(staff, "events-online-console", full_page=True)
    staff.locator('[data-action="wall-publish"]').click()
    staff.wait_for_url(re.compile(r"/online/\?status=pending$"))
    post.refresh_from_db()
    assert post.status == ModerationStatus.PUBLISHED

    shown = wall.locator(f'[data-wall-live-post="{post.pk}"]')
    shown.wait_for(timeout=15_000)
    assert "七十载风华，母校生日快乐！" in shown.inner_text()
    assert "张伟 2008级计算机" in shown.inner_text()
    assert wall.locator("[data-wall-count]").inner_text() == "1"
    screenshot(wall, "events-online-live-wall")
    screen.close()

    phone.reload()
    assert "七十载风华" in phone.locator(f'[data-wall-post="{post.pk}"]').inner_text()


def test_gift_claims_until_all_gone(browser, live_server, mobile_page, sign_in, screenshot, event):
    offer = GiftOffer.objects.create(event=event, name="中秋月饼", stock=2, needs_address=True)
    alumni = [UserFactory(display_name=name) for name in ("张伟", "李娜", "王芳")]
    contexts = []
    for index, person in enumerate(alumni[:2]):
        if index == 0:
            page = mobile_page
        else:
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
            )
            contexts.append(context)
            page = context.new_page()
        sign_in(page, person)
        page.goto(f"/events/{event.pk}/")
        page.locator(f'[data-online-entry="gift-{offer.pk}"]').click()
        page.wait_for_url(f"**/events/{event.pk}/gifts/{offer.pk}/")
        assert page.locator("#id_name").input_value() == person.display_name
        page.fill("#id_phone", f"1380013800{index}")
        page.fill("#id_address", f"上海市徐汇区漕溪北路{index + 1}号")
        page.locator('[data-action="claim-gift"]').click()
        page.locator('[data-gift-state="claimed"]').wait_for()
        if index == 0:
            screenshot(page, "events-online-gift-claimed")

    late = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    contexts.append(late)
    page = late.new_page()
    sign_in(page, alumni[2])
    page.goto(f"/events/{event.pk}/gifts/{offer.pk}/")
    page.locator('[data-gift-state="gone"]').wait_for()
    assert page.locator("[data-gift-form]").count() == 0
    assert page.locator("[data-gift-left]").inner_text() == "0"
    screenshot(page, "events-online-gift-gone")
    offer.refresh_from_db()
    assert offer.claimed == 2
    assert sorted(GiftClaim.objects.values_list("phone", flat=True)) == [
        "+8613800138000",
        "+8613800138001",
    ]
    for context in contexts:
        context.close()


def test_challenge_report_and_leaderboard(
    mobile_page, sign_in, screenshot, event, verified_alumnus
):
    now = timezone.now()
    challenge = Challenge.objects.create(
        event=event,
        name="线上毅行",
        unit="km",
        goal=Decimal("50"),
        max_per_report=Decimal("50"),
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=6),
    )
    for name, amount in (("李娜", "30"), ("王芳", "8")):
        online.challenge_report(
            actor=UserFactory(display_name=name), challenge=challenge, amount=amount
        )
    phone = mobile_page
    sign_in(phone, verified_alumnus)
    phone.goto(f"/events/{event.pk}/")
    phone.locator(f'[data-online-entry="challenge-{challenge.pk}"]').click()
    phone.wait_for_url(f"**/challenges/{challenge.pk}/")
    phone.fill("#id_amount", "60")
    phone.locator('[data-action="report"]').click()
    phone.locator(".form-errors").wait_for()
    assert ChallengeReport.objects.filter(user=verified_alumnus).count() == 0
    phone.fill("#id_amount", "12.5")
    phone.fill("#id_note", "西湖一圈")
    phone.locator('[data-action="report"]').click()
    phone.locator("[data-my-rank]").wait_for()
    assert phone.locator("[data-my-rank]").inner_text() == "2"
    assert phone.locator("[data-my-total]").inner_text() == "12.5"
    rows = phone.locator("[data-leaderboard] li")
    assert rows.count() == 3
    assert [rows.nth(index).get_attribute("data-rank") for index in range(3)] == ["1", "2", "3"]
    mine = phone.locator(f'[data-leaderboard] li[data-user="{verified_alumnus.pk}"]')
    assert "is-mine" in (mine.get_attribute("class") or "")
    screenshot(phone, "events-online-challenge", full_page=True)
