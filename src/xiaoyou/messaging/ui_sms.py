"""What the SMS part of messaging registers at start: its policy rules, error messages, the
background job kind of campaign sending, the birthday schedule and the console sidebar entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import console_nav_section
    from xiaoyou.messaging import errors_sms, policy_sms, sms_runner, tasks_sms  # noqa: F401
    from xiaoyou.messaging.audiences import register_exclusion
    from xiaoyou.messaging.services.sms_campaigns import opted_out_phones

    policy_sms.register()
    register_exclusion("sms", opted_out_phones)
    sms_runner.register()
    tasks_sms.register()
    console_nav_section(
        _("SMS"),
        [
            (
                "messaging_sms",
                _("SMS campaigns"),
                "console:messaging_sms_campaigns",
                "message",
                520,
            ),
            ("messaging_quota", _("SMS quota"), "console:messaging_quota", "chart", 521),
            (
                "messaging_birthday",
                _("Birthday greetings"),
                "console:messaging_birthday_settings",
                "gift",
                522,
            ),
        ],
        permission=is_console_user,
    )
