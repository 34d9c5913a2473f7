"""hall engagement pages of events (included by urls_hall.py under the same namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from xiaoyou.events.views import hall_discussion

urlpatterns: list[URLPattern] = [
    path("<int:pk>/comments", hall_discussion.comment_create, name="event_comment"),
    path("comments/<int:pk>/delete", hall_discussion.comment_remove, name="event_comment_delete"),
    path("<int:pk>/favorite", hall_discussion.favorite, name="event_favorite"),
]
