from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialAccountsConfig(AppConfig):
    """Weibo and QQ providers (allauth finds them in `provider.py`) and the hall entry."""

    name = "xiaoyou.accounts.social"
    label = "social_accounts"
    verbose_name = _("Linked accounts")

    def ready(self) -> None:
        from xiaoyou.accounts.social.views import linked_accounts_entry
        from xiaoyou.core.registry import Section, personal_center_entries

        personal_center_entries.add(
            Section(
                key="linked_accounts",
                label=_("Linked accounts"),
                render=linked_accounts_entry,
                order=790,
            )
        )
