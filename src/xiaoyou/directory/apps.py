from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "xiaoyou.directory"
    label = "directory"
    verbose_name = _("Alumni directory")

    def ready(self) -> None:
        from xiaoyou.directory import errors, policy  # noqa: F401 - errors registers messages
        from xiaoyou.directory.services import cards

        policy.register()
        cards.register()
        _register_console()
        _register_hall()


def _is_platform_admin(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _register_console() -> None:
    from xiaoyou.core.registry import NavEntry, console_nav

    console_nav.add(
        NavEntry(
            key="directory_settings",
            label=_("Directory privacy defaults"),
            url_name="console:directory_settings",
            icon="settings",
            section=_("Alumni"),
            order=290,
            permission=_is_platform_admin,
        )
    )


def _register_hall() -> None:
    from xiaoyou.core.registry import Section, hall_home_sections, personal_center_entries
    from xiaoyou.directory.views import hall_cards, hall_directory, hall_privacy

    hall_home_sections.add(
        Section(
            key="directory",
            label=_("Alumni directory"),
            render=hall_directory.home_section,
            order=15,
        )
    )
    personal_center_entries.add(
        Section(key="directory_privacy", label=_("Privacy"), render=hall_privacy.entry, order=30)
    )
    personal_center_entries.add(
        Section(key="directory_cards", label=_("My cards"), render=hall_cards.entry, order=31)
    )
