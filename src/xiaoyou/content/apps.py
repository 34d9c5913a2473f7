from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "xiaoyou.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from xiaoyou.content import errors, policy, tasks  # noqa: F401 - errors, tasks register
        from xiaoyou.content.services import albums, photos

        policy.register()
        albums.register()
        photos.register()
        tasks.register()
        _register_console()
        _register_hall()
        from xiaoyou.content import ui_articles  # 文章

        ui_articles.register()
        from xiaoyou.content import ui_faces  # 人脸识别

        ui_faces.register()
        from xiaoyou.content import demo  # demo content of `xiaoyou seed-demo`

        demo.register()


def _register_console() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.core.registry import NavEntry, console_nav

    console_nav.add(
        NavEntry(
            key="content_albums",
            label=_("Albums"),
            url_name="console:content_albums",
            icon="image",
            section=_("Content"),
            order=600,
            permission=is_console_user,
        )
    )


def _register_hall() -> None:
    from xiaoyou.core.registry import QuickEntry, hall_menu

    hall_menu.add(
        QuickEntry(
            key="content_albums",
            label=_("Albums"),
            url_name="hall:content_albums",
            icon="image",
            order=70,
        )
    )
