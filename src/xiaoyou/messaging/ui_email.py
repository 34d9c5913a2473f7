"""What the email half of messaging plugs into the platform (called from MessagingConfig.ready):
policy rules, the suppression list as an audience exclusion, the sending job, the console
sidebar entries."""

from __future__ import annotations


def _suppressed(addresses: list[str]) -> set[str]:
    from xiaoyou.messaging.models import Suppression

    return set(Suppression.objects.filter(email__in=addresses).values_list("email", flat=True))


def register() -> None:
    from xiaoyou.messaging import audiences, policy_email

    policy_email.register()
    audiences.register_exclusion("email", _suppressed)
