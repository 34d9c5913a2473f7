"""Console pages of the community, included under /console/community/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.community.views import console_board, console_help

urlpatterns = [
    path("board/", console_board.board_list, name="community_board"),
    path("board/<int:pk>/", console_board.message_detail, name="community_message"),
    path("board/<int:pk>/reply", console_board.message_reply, name="community_message_reply"),
    path(
        "board/<int:pk>/moderate", console_board.message_moderate, name="community_message_moderate"
    ),
    path("board/replies/<int:pk>/hide", console_board.reply_hide, name="community_reply_hide"),
    path("help/", console_help.help_list, name="community_help"),
    path("help/<int:pk>/", console_help.help_detail, name="community_help_post"),
    path("help/<int:pk>/moderate", console_help.help_moderate, name="community_help_moderate"),
    path(
        "help/replies/<int:pk>/hide", console_help.help_reply_hide, name="community_help_reply_hide"
    ),
    path("settings/", console_board.settings_page, name="community_settings"),
]
