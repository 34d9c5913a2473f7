from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "xiaoyou.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from xiaoyou.api import errors, policy, views
        from xiaoyou.core.registry import Section, personal_center_entries

        errors.register()
        policy.register()
        personal_center_entries.add(
            Section(
                key="api_tokens",
                label=_("API tokens"),
                render=views.personal_center_entry,
                order=900,
            )
        )
