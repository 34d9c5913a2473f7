"""console online pages of events (included by urls_console.py under the same namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.events.views import console_online

urlpatterns = [
    path("<int:pk>/online/", console_online.online_overview, name="event_online"),
    path("<int:pk>/online/wall/moderate", console_online.wall_moderate, name="event_wall_moderate"),
    path("<int:pk>/online/gifts/new", console_online.gift_edit, name="event_gift_create"),
    path("<int:pk>/online/gifts/<int:gift_pk>/", console_online.gift_edit, name="event_gift_edit"),
    path("<int:pk>/online/claims/", console_online.gift_claims, name="event_gift_claims"),
    path(
        "<int:pk>/online/claims/<int:claim_pk>/",
        console_online.gift_claim_detail,
        name="event_gift_claim",
    ),
    path(
        "<int:pk>/online/claims/<int:claim_pk>/ship",
        console_online.gift_claim_ship,
        name="event_gift_claim_ship",
    ),
    path(
        "<int:pk>/online/claims/<int:claim_pk>/cancel",
        console_online.gift_claim_cancel,
        name="event_gift_claim_cancel",
    ),
    path(
        "<int:pk>/online/challenges/new",
        console_online.challenge_edit,
        name="event_challenge_create",
    ),
    path(
        "<int:pk>/online/challenges/<int:challenge_pk>/",
        console_online.challenge_edit,
        name="event_challenge",
    ),
    path(
        "<int:pk>/online/reports/<int:report_pk>/void",
        console_online.challenge_report_void,
        name="event_challenge_report_void",
    ),
]
