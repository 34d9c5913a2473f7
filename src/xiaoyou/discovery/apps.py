from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "xiaoyou.discovery"
    label = "discovery"
    verbose_name = _("Discovery")

    def ready(self) -> None:
        from xiaoyou.discovery import errors, policy, tasks  # noqa: F401 - errors registers messages
        from xiaoyou.discovery.crawling import sources
        from xiaoyou.discovery.services import crawls, enterprises, jobs, news

        sources.register()
        policy.register()
        crawls.register_jobs()
        news.register_jobs()
        jobs.register()
        enterprises.register()
        tasks.register()
        _register_console()
        _register_hall()


def _register_console() -> None:
    # 知名校友: crawls, candidates and notable alumni for every organization admin (scoped pages).
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    section = _("Notable alumni")
    for key, label, url_name, icon, order in (
        ("discovery_candidates", _("Candidates"), "console:discovery_candidates", "search", 700),
        ("discovery_notables", _("Notable alumni"), "console:discovery_notables", "star", 710),
        ("discovery_crawls", _("Crawls"), "console:discovery_crawls", "activity", 720),
        ("discovery_news", _("Alumni news"), "console:discovery_news", "news", 725),
        (
            "discovery_enterprises",
            _("Alumni enterprises"),
            "console:discovery_enterprises",
            "building",
            730,
        ),
    ):
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=section,
                order=order,
                permission=is_console_user,
            )
        )


def _register_hall() -> None:
    from xiaoyou.core.registry import QuickEntry, hall_menu

    hall_menu.add(
        QuickEntry(
            key="discovery_enterprises",
            label=_("Alumni enterprises"),
            url_name="hall:discovery_enterprises",
            icon="building",
            order=79,
        )
    )
    hall_menu.add(
        QuickEntry(
            key="discovery_jobs",
            label=_("Jobs"),
            url_name="hall:discovery_jobs",
            icon="job",
            order=78,
        )
    )
