from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlumniConfig(AppConfig):
    name = "xiaoyou.alumni"
    label = "alumni"
    verbose_name = _("Alumni")

    def ready(self) -> None:
        from xiaoyou.alumni import policy

        policy.register()
