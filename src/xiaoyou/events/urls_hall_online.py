"""hall online pages of events (included by urls_hall.py under the same namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.events.views import hall_online

urlpatterns = [
    path("<int:pk>/wall/", hall_online.wall, name="event_wall"),
    path("<int:pk>/wall/live", hall_online.wall_live, name="event_wall_live"),
    path("<int:pk>/wall/feed.json", hall_online.wall_feed, name="event_wall_feed"),
    path("<int:pk>/gifts/<int:gift_pk>/", hall_online.gift, name="event_gift"),
    path("<int:pk>/gifts/<int:gift_pk>/cancel", hall_online.gift_cancel, name="event_gift_cancel"),
    path(
        "<int:pk>/challenges/<int:challenge_pk>/",
        hall_online.challenge,
        name="event_challenge",
    ),
]
