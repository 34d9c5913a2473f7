"""What the discussion (活动讨论), favorites (收藏) and notices (群发通知) register at start-up:
policy rules, notification kinds and the notice job (called from EventsConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from xiaoyou.events import errors_engagement, policy_discussion  # noqa: F401 - messages
    from xiaoyou.events.services import discussion, registrant_notices

    policy_discussion.register()
    discussion.register()
    registrant_notices.register()
