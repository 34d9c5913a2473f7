from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "xiaoyou.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from xiaoyou.events import registration

        registration.register_all()
        from xiaoyou.events.lottery_setup import register as register_lottery  # 抽奖

        register_lottery()
        from xiaoyou.events.engagement_setup import register as register_engagement

        register_engagement()
        from xiaoyou.events import demo  # demo content of `xiaoyou seed-demo`

        demo.register()
