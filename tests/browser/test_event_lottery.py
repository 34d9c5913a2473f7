"""Browser journey of the lottery (抽奖, desktop): staff add a prize on the event's lottery page,
open the full-screen draw page for the venue screen, draw; names roll, then the winner drawn by
the server is revealed; the lottery page lists the winner and a draw that verifies. The
statistics page draws its charts with the vendored ECharts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.events.factories import EventFactory, RegistrationFactory
from xiaoyou.events.models import LotteryDraw, LotteryWinner
from xiaoyou.events.services import lottery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_draw_a_winner_on_the_venue_screen(
    desktop_page, sign_in, screenshot, org_tree, college_admin
):
    event = EventFactory(org=org_tree.college, title="校庆晚宴")
    names = ["王小明", "李雷", "韩梅梅"]
    for name in names:
        RegistrationFactory(event=event, name=name, checked_in_at=timezone.now())
    RegistrationFactory(event=event, name="没来的人")  # confirmed but not checked in
    page = desktop_page
    sign_in(page, college_admin)

    page.goto(f"/console/events/{event.pk}/lottery/")
    page.fill("#id_name", "一等奖")
    page.fill("#id_quantity", "1")
    page.click('[data-action="add-prize"]')
    page.wait_for_selector("[data-prize-table] [data-prize]")
    assert page.inner_text("[data-lottery-checked-in]") == "3"

    second = lottery.prize_create(actor=college_admin, event=event, name="二等奖", quantity=2)

    page.goto(f"/console/events/{event.pk}/lottery/screen")
    assert page.locator(".console-sidebar").count() == 0
    assert page.inner_text("[data-prize-name]") == "一等奖"
    page.click("[data-draw]")
    page.wait_for_selector("[data-lottery][data-state='drawing']")
    rolled = page.inner_text("[data-roller]")
    assert rolled in names  # the cosmetic roll shows checked-in names only
    page.wait_for_selector("[data-lottery][data-drawn]", timeout=15_000)
    winner = LotteryWinner.objects.select_related("registration").get()
    assert page.inner_text("[data-winners] [data-winner] .lottery-winner-name") == (
        winner.registration.name
    )
    assert winner.registration.name in names
    # The first prize is used up: its winner stays on stage, the choice moves to the next prize.
    assert page.inner_text("[data-prize-name]") == "一等奖"
    assert page.input_value("[data-prize]") == str(second.pk)
    screenshot(page, "event-lottery-screen")

    first_draw = page.get_attribute("[data-lottery]", "data-drawn")
    page.fill("[data-count]", "2")
    page.click("[data-draw]")
    page.wait_for_function(
        "previous => document.querySelector('[data-lottery]').dataset.drawn !== previous"
        " && document.querySelector('[data-lottery]').dataset.state === 'revealed'",
        arg=first_draw,
        timeout=15_000,
    )
    page.wait_for_function("document.querySelectorAll('[data-winners] [data-winner]').length === 2")
    shown = page.locator("[data-winners] .lottery-winner-name").all_inner_texts()
    assert sorted(shown) == sorted(set(names) - {winner.registration.name})  # nobody twice
    assert page.inner_text("[data-prize-name]") == "二等奖"
    assert page.locator("[data-draw]").is_disabled()  # every prize drawn

    page.goto(f"/console/events/{event.pk}/lottery/")
    row = page.locator(f'[data-winner-table] [data-winner="{winner.registration_id}"]')
    assert row.locator("[data-winner-name]").inner_text() == winner.registration.name
    assert page.locator('[data-draw-table] [data-verified="yes"]').count() == 2
    assert all(lottery.lottery_verify(draw=draw) for draw in LotteryDraw.objects.all())
    screenshot(page, "event-lottery-console", full_page=True)


def test_statistics_page_draws_its_charts(
    desktop_page, sign_in, screenshot, org_tree, college_admin
):
    event = EventFactory(org=org_tree.college, title="校友返校日")
    for index in range(3):
        RegistrationFactory(event=event, checked_in_at=timezone.now() if index else None)
    page = desktop_page
    sign_in(page, college_admin)
    page.goto(f"/console/events/{event.pk}/statistics/")
    page.wait_for_function(
        "window.xiaoyouEventStats && Object.keys(window.xiaoyouEventStats).length === 3"
    )
    assert page.locator("[data-chart='days'] canvas").count() == 1
    assert page.inner_text("[data-figure='check_in_rate'] .stat-value") == "66.7%"
    screenshot(page, "event-statistics", full_page=True)
