from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "xiaoyou.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from xiaoyou.polls import errors, policy, ui_setup  # noqa: F401 - errors: messages

        policy.register()
        ui_setup.register()
        from xiaoyou.polls import demo  # demo content of `xiaoyou seed-demo`

        demo.register()
