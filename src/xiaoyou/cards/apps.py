from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "xiaoyou.cards"
    label = "cards"
    verbose_name = _("Alumni cloud card")

    def ready(self) -> None:
        from xiaoyou.cards import registration

        registration.register_all()
