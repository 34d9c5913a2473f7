"""What the lottery (抽奖) registers at start-up: the "you won a prize" notification kind.
Called from EventsConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from xiaoyou.events.services import lottery

    lottery.register_notification_kind()
