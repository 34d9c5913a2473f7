"""Hall pages of the community, included under /community/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.community.views import hall_board, hall_help

urlpatterns = [
    path("board/", hall_board.board, name="community_board"),
    path("board/new", hall_board.message_create, name="community_message_create"),
    path("board/mine/", hall_board.my_messages, name="community_my_messages"),
    path("board/<int:pk>/", hall_board.message_detail, name="community_message"),
    path("board/<int:pk>/reply", hall_board.message_reply, name="community_message_reply"),
    path("help/", hall_help.help_list, name="community_help"),
    path("help/new", hall_help.help_create, name="community_help_create"),
    path("help/mine/", hall_help.my_help_posts, name="community_my_help"),
    path("help/<int:pk>/", hall_help.help_detail, name="community_help_detail"),
    path("help/<int:pk>/reply", hall_help.help_reply, name="community_help_reply"),
    path("help/<int:pk>/close", hall_help.help_close, name="community_help_close"),
    path("help/<int:pk>/report", hall_help.help_report, name="community_help_report"),
]
