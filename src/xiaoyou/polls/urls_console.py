"""Console pages of polls, included under /console/polls/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.polls.views import console, console_stats

urlpatterns = [
    path("", console.poll_list, name="polls"),
    path("new", console.poll_create, name="poll_create"),
    path("<int:pk>/", console.poll_edit, name="poll_edit"),
    path("<int:pk>/do/<slug:action>", console.poll_action, name="poll_action"),
    path("<int:pk>/links/", console_stats.poll_links, name="poll_links"),
    path("<int:pk>/statistics/", console_stats.poll_statistics, name="poll_statistics"),
    path("<int:pk>/statistics/live", console_stats.poll_results_json, name="poll_results_json"),
    path("<int:pk>/statistics/export", console_stats.poll_export, name="poll_export"),
    path("<int:pk>/votes/export", console_stats.poll_votes_export, name="poll_votes_export"),
    path("<int:pk>/comments/", console_stats.poll_comments, name="poll_comments"),
    path(
        "<int:pk>/comments/<int:comment_pk>/moderate",
        console_stats.poll_comment_moderate,
        name="poll_comment_moderate",
    ),
]
