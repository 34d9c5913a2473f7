"""Hall pages of polls, included under /polls/ ("hall" namespace; the list is hall:polls)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.polls.views import hall

urlpatterns = [
    path("", hall.poll_list, name="polls"),
    path("l/<str:token>", hall.poll_canvass, name="poll_canvass"),
    path("<int:pk>/", hall.poll_detail, name="poll"),
    path("<int:pk>/vote", hall.poll_vote, name="poll_vote"),
    path("<int:pk>/results", hall.poll_results, name="poll_results"),
    path("<int:pk>/comment", hall.poll_comment, name="poll_comment"),
    path("<int:pk>/share/<int:option_pk>", hall.poll_share, name="poll_share"),
]
