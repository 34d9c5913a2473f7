"""What the payments app registers at start-up; each concept module adds its own step."""

from __future__ import annotations

from collections.abc import Callable

STEPS: list[Callable[[], None]] = []


def register_all() -> None:
    for step in STEPS:
        step()


def _core() -> None:
    from xiaoyou.payments import policy, tasks
    from xiaoyou.payments.services import offline, requests

    policy.register()
    tasks.register()
    offline.register_review_kind()
    requests.register_payable_kind()


STEPS.append(_core)


def _console() -> None:
    from xiaoyou.payments import console_setup

    console_setup.register()


STEPS.append(_console)
