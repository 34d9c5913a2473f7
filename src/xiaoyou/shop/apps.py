from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "xiaoyou.shop"
    label = "shop"
    verbose_name = _("Shop")

    def ready(self) -> None:
        from xiaoyou.shop import registration

        registration.register_all()
