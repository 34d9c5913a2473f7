from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "xiaoyou.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Policy rules, review kinds, console entries and schedules register here as the
        # services land (services/*.py each expose a register()).
        from xiaoyou.payments import registration

        registration.register_all()
