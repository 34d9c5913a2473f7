"""What the polls pages register in the shells: the console sidebar entries and the hall
menu entry (投票)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, QuickEntry, console_nav, hall_menu

    section = _("Polls")
    console_nav.add(
        NavEntry(
            key="polls",
            label=_("Polls"),
            url_name="console:polls",
            icon="vote",
            section=section,
            order=450,
            permission=is_console_user,
        )
    )
    console_nav.add(
        NavEntry(
            key="poll_create",
            label=_("New poll"),
            url_name="console:poll_create",
            icon="plus",
            section=section,
            order=451,
            permission=is_console_user,
        )
    )
    hall_menu.add(
        QuickEntry(key="polls", label=_("Polls"), url_name="hall:polls", icon="vote", order=75)
    )
