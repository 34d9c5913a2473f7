from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xiaoyou.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Error messages of the app; SMS and WeChat notification channels.
        from xiaoyou.accounts import channels, errors  # noqa: F401

        channels.register()
