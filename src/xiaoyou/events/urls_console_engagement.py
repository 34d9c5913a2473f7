"""console engagement pages of events (included by urls_console.py under the same namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from xiaoyou.events.views import console_discussion, console_notices

urlpatterns: list[URLPattern] = [
    path("<int:pk>/discussion/", console_discussion.discussion_list, name="event_discussion"),
    path(
        "<int:pk>/discussion/bulk",
        console_discussion.discussion_bulk,
        name="event_discussion_bulk",
    ),
    path(
        "<int:pk>/discussion/<int:comment_pk>/",
        console_discussion.comment_detail,
        name="event_comment",
    ),
    path(
        "<int:pk>/discussion/<int:comment_pk>/moderate",
        console_discussion.comment_moderate_view,
        name="event_comment_moderate",
    ),
    path(
        "<int:pk>/discussion/<int:comment_pk>/reply",
        console_discussion.comment_reply,
        name="event_comment_reply",
    ),
    path("<int:pk>/notices/", console_notices.notices, name="event_notices"),
]
