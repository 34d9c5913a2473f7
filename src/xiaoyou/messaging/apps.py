from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """邮件/短信管理: email and SMS campaigns, templates, delivery tracking, quotas, birthday
    greetings. Each part registers what it needs (review kinds, notification kinds, console
    sidebar entries, scheduled tasks) from its own `register()` called here."""

    name = "xiaoyou.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from importlib import import_module

        # Each part of the app adds its module here when it has something to register.
        for module in (
            "xiaoyou.messaging.ui_email",
            "xiaoyou.messaging.ui_sms",
            "xiaoyou.messaging.email_webhooks",
        ):
            try:
                part = import_module(module)
            except ModuleNotFoundError as error:
                if error.name != module:
                    raise
                continue
            part.register()
