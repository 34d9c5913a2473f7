"""What the events pages register in the shells: console sidebar entries, the hall menu entry,
the hall home section (next events with the visitor's status) and "My events" in 我的.
Appended to events/registration.py STEPS."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import (
        QuickEntry,
        Section,
        console_nav_section,
        hall_home_sections,
        hall_menu,
        personal_center_entries,
    )
    from xiaoyou.events.views import hall_events

    console_nav_section(
        _("Events"),
        [
            ("events", _("Events"), "console:events", "calendar", 400),
            ("event_create", _("New event"), "console:event_create", "plus", 401),
        ],
        permission=is_console_user,
    )
    hall_menu.add(
        QuickEntry(
            key="events", label=_("Events"), url_name="hall:events", icon="calendar", order=20
        )
    )
    hall_home_sections.add(
        # Per visitor (their registration status), so not cached by the shell; the section
        # caches the visitors' copy itself (topic events.list).
        Section(
            key="events_latest",
            label=_("Events"),
            render=hall_events.home_section,
            order=20,
        )
    )
    personal_center_entries.add(
        Section(
            key="events_mine",
            label=_("My events"),
            render=hall_events.my_events_entry,
            order=30,
        )
    )
