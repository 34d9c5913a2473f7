from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "xiaoyou.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from xiaoyou.organizations import policy, services

        policy.register()
        services.register_review_kinds()
