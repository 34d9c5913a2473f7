from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "xiaoyou.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from xiaoyou.community import errors, policy  # noqa: F401 - errors registers messages
        from xiaoyou.community.services import board, help

        policy.register()
        board.register()
        help.register()
        _register_console()
        _register_hall()


def _register_console() -> None:
    # 社区: the board and mutual-help queues for every organization admin (pages are scoped).
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    section = _("Community")
    for key, label, url_name, icon, order in (
        ("community_board", _("Message board"), "console:community_board", "message", 500),
        ("community_help", _("Mutual help"), "console:community_help", "heart", 510),
        (
            "community_settings",
            _("Community settings"),
            "console:community_settings",
            "settings",
            520,
        ),
    ):
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=section,
                order=order,
                permission=is_console_user,
            )
        )


def _register_hall() -> None:
    from xiaoyou.community.services.common import BOARD_TOPIC, HELP_TOPIC, HOME_SECTION_SECONDS
    from xiaoyou.community.views import hall_board, hall_help
    from xiaoyou.core.registry import (
        QuickEntry,
        Section,
        hall_home_sections,
        hall_menu,
        personal_center_entries,
    )

    hall_menu.add(
        QuickEntry(
            key="community_board",
            label=_("Message board"),
            url_name="hall:community_board",
            icon="message",
            order=60,
        )
    )
    hall_menu.add(
        QuickEntry(
            key="community_help",
            label=_("Mutual help"),
            url_name="hall:community_help",
            icon="heart",
            order=65,
        )
    )
    hall_home_sections.add(
        Section(
            key="community_board",
            label=_("Message board"),
            render=hall_board.home_section,
            order=80,
            cache_seconds=HOME_SECTION_SECONDS,
            cache_topics=(BOARD_TOPIC,),
        )
    )
    hall_home_sections.add(
        Section(
            key="community_help",
            label=_("Mutual help"),
            render=hall_help.home_section,
            order=85,
            cache_seconds=HOME_SECTION_SECONDS,
            cache_topics=(HELP_TOPIC,),
        )
    )
    personal_center_entries.add(
        Section(
            key="community_my_messages",
            label=_("My messages"),
            render=hall_board.my_messages_entry,
            order=60,
        )
    )
    personal_center_entries.add(
        Section(
            key="community_my_help",
            label=_("My help posts"),
            render=hall_help.my_help_entry,
            order=62,
        )
    )
