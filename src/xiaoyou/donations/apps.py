from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "xiaoyou.donations"
    label = "donations"
    verbose_name = _("Donations")

    def ready(self) -> None:
        from xiaoyou.donations import registration

        registration.register_all()
        from xiaoyou.donations import demo  # demo content of `xiaoyou seed-demo`

        demo.register()
