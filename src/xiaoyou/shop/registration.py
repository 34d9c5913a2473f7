"""What the shop registers at start-up: policy rules, the payable, schedules, hook subscribers
and the shells' entries."""

from __future__ import annotations


def register_all() -> None:
    from xiaoyou.shop import errors, policy  # noqa: F401 - errors: messages

    policy.register()
