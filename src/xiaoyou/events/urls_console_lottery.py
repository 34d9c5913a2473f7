"""console lottery pages of events (included by urls_console.py under the same namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from xiaoyou.events.views import console_lottery, console_stats

urlpatterns: list[URLPattern] = [
    path("<int:pk>/lottery/", console_lottery.lottery_page, name="event_lottery"),
    path("<int:pk>/lottery/prizes/new", console_lottery.prize_add, name="event_lottery_prize_add"),
    path(
        "<int:pk>/lottery/prizes/<int:prize_pk>/",
        console_lottery.prize_edit,
        name="event_lottery_prize_edit",
    ),
    path(
        "<int:pk>/lottery/prizes/<int:prize_pk>/delete",
        console_lottery.prize_delete,
        name="event_lottery_prize_delete",
    ),
    path("<int:pk>/lottery/draw", console_lottery.lottery_draw, name="event_lottery_draw"),
    path("<int:pk>/lottery/screen", console_lottery.lottery_screen, name="event_lottery_screen"),
    path(
        "<int:pk>/lottery/draws/<int:draw_pk>.json",
        console_lottery.draw_record,
        name="event_lottery_draw_record",
    ),
    path(
        "<int:pk>/lottery/winners.xlsx",
        console_lottery.winners_export,
        name="event_lottery_export",
    ),
    path("<int:pk>/statistics/", console_stats.statistics_page, name="event_statistics"),
    path(
        "<int:pk>/statistics/export",
        console_stats.statistics_export,
        name="event_statistics_export",
    ),
]
