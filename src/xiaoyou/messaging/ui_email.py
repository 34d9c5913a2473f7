"""What the email half of messaging plugs into the platform (called from MessagingConfig.ready):
policy rules, the suppression list as an audience exclusion, the sending job and its schedule,
the console sidebar entries."""

from __future__ import annotations


def _suppressed(addresses: list[str]) -> set[str]:
    from xiaoyou.messaging.models import Suppression

    return set(Suppression.objects.filter(email__in=addresses).values_list("email", flat=True))


def register() -> None:
    from xiaoyou.messaging import audiences, policy_email, tasks_email
    from xiaoyou.messaging.services import email_campaigns

    policy_email.register()
    audiences.register_exclusion("email", _suppressed)
    email_campaigns.register_job()
    tasks_email.register()
    _register_navigation()


def _register_navigation() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import console_nav_section

    console_nav_section(
        _("Email management"),
        [
            (
                "messaging_email",
                _("Email campaigns"),
                "console:messaging_email_campaigns",
                "mail",
                510,
            ),
            (
                "messaging_email_templates",
                _("Email templates"),
                "console:messaging_email_templates",
                "file",
                511,
            ),
        ],
        permission=is_console_user,
    )
