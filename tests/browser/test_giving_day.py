"""Browser journey (issue 9 item 6, 捐赠日): on a phone, a giving day's page shows its totals,
the leaderboard by class year and a challenge's progress; when another gift is paid (through
the fake provider, as tests/donations/support.py does), the page's live part — refreshed by
htmx every 10 s — moves the totals, the leaderboard and the challenge to "unlocked"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.donations.factories import ProjectFactory
from tests.donations.support import give, pay
from tests.payments.conftest import gateway  # noqa: F401 - the fake provider, enabled
from xiaoyou.donations.services.campaigns import (
    challenge_add,
    giving_day_create,
    giving_day_publish,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_giving_day_leaderboard_and_challenge_move_live(
    mobile_page,
    screenshot,
    gateway,  # noqa: F811 - the fixture imported above
    org_tree,
    college_admin,
    verified_alumnus,
):
    project = ProjectFactory(org=org_tree.college, title="计算机学院奖学金")
    now = timezone.now()
    day = giving_day_create(
        actor=college_admin,
        org=org_tree.college,
        projects=[project],
        title="计算机学院校友捐赠日",
        summary="24 小时，为学弟学妹点亮一盏灯",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=23),
        goal_amount=100_000,
    )
    giving_day_publish(actor=college_admin, day=day)
    challenge = challenge_add(
        actor=college_admin,
        day=day,
        title="2 位校友捐赠",
        kind="donors",
        threshold=2,
        reward="校友企业配捐 1 万元",
    )
    pay(give(project, amount=10_000, donor_name="李雷", phone="+8613900000001", class_year=2005))

    phone = mobile_page
    phone.goto(f"/give/days/{day.pk}/")
    live = phone.locator("[data-live]")
    assert live.locator("[data-day-raised]").inner_text() == "¥100.00"
    board = phone.locator('[data-leaderboard="class-year"]')
    assert "2005" in board.inner_text() and "¥100.00" in board.inner_text()
    item = phone.locator(f'[data-challenge="{challenge.pk}"]')
    assert item.get_attribute("data-challenge-percent") == "50"
    assert item.get_attribute("data-unlocked") is None
    screenshot(phone, "giving-day-mobile")

    # Another alumnus gives 200 yuan; the page catches up by itself within one polling period.
    pay(
        give(
            project,
            verified_alumnus,
            amount=20_000,
            donor_name="韩梅梅",
            phone="+8613900000002",
            class_year=2008,
        )
    )
    phone.locator(f'[data-challenge="{challenge.pk}"][data-unlocked]').wait_for(timeout=25_000)
    assert phone.locator("[data-day-raised]").inner_text() == "¥300.00"
    assert phone.locator("[data-day-donors]").inner_text() == "2"
    first = phone.locator('[data-leaderboard="class-year"] li').first
    assert "2008" in first.inner_text() and "¥200.00" in first.inner_text()
    assert (
        phone.locator(f'[data-challenge="{challenge.pk}"]').get_attribute("data-challenge-percent")
        == "100"
    )
    screenshot(phone, "giving-day-unlocked-mobile")
