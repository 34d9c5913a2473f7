from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "xiaoyou.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from xiaoyou.privacy import errors, exporters, exports, purposes  # noqa: F401

        purposes.register_defaults()
        exporters.register()
        exports.register()
        _register_shells()


def _is_platform_admin(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def _register_shells() -> None:
    from xiaoyou.core.registry import NavEntry, Section, console_nav, personal_center_entries
    from xiaoyou.privacy.views.hall import center_entry

    section = _("Personal data")
    for key, label, url_name, icon, order in (
        ("privacy_policies", _("Privacy policy"), "console:privacy_policies", "shield", 900),
        ("privacy_erasures", _("Account deletions"), "console:privacy_erasures", "user", 910),
    ):
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=section,
                order=order,
                permission=_is_platform_admin,
            )
        )
    personal_center_entries.add(
        Section(key="privacy", label=_("Privacy & consent"), render=center_entry, order=790)
    )
