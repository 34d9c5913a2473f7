"""What the events app registers at start-up; each concept module appends its own step."""

from __future__ import annotations

from collections.abc import Callable

STEPS: list[Callable[[], None]] = []


def register_all() -> None:
    for step in STEPS:
        step()


def _core() -> None:  # evcore: policy, payables, review and notification kinds, schedules
    from xiaoyou.events import errors, payables, policy, tasks  # noqa: F401 - errors: messages
    from xiaoyou.events.services import events, notices

    policy.register()
    payables.register()
    tasks.register()
    events.register_review_kind()
    notices.register_notification_kinds()


STEPS.insert(0, _core)


def _checkin() -> None:
    from xiaoyou.events import policy_checkin

    policy_checkin.register()


STEPS.append(_checkin)


def _ui() -> None:  # evui: console nav, hall menu, home section, "My events"
    from xiaoyou.events import ui_setup

    ui_setup.register()


STEPS.append(_ui)


def _online() -> None:  # online activities: policy, "gift shipped" notice, wall review kind
    from xiaoyou.events import policy_online
    from xiaoyou.events.services import online

    policy_online.register()
    online.register_notification_kinds()
    online.register_review_kind()


STEPS.append(_online)
