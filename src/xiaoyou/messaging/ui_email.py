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
    pass
