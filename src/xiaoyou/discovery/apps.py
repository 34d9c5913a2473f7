from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "xiaoyou.discovery"
    label = "discovery"
    verbose_name = _("Discovery")

    def ready(self) -> None:
        from xiaoyou.discovery import errors, policy  # noqa: F401 - errors registers messages
        from xiaoyou.discovery.crawling import sources
        from xiaoyou.discovery.services import crawls

        sources.register()
        policy.register()
        crawls.register_jobs()
