"""What articles (文章) plug into core and the shells, called once from ContentConfig.ready():
policy rules, review kinds, the schedule, console sidebar entries, the hall menu entry and the
hall home section "News" (cached per language and audience, rebuilt when articles change)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

HOME_SECTION_SECONDS = 300


def register() -> None:
    from xiaoyou.content import errors_articles, policy_articles, tasks_articles  # noqa: F401
    from xiaoyou.content.services import article_comments, articles

    policy_articles.register()
    articles.register()
    article_comments.register()
    tasks_articles.register()
    _register_shells()


def _register_shells() -> None:
    from xiaoyou.console.context import is_console_user
    from xiaoyou.content.services.articles import ARTICLES_TOPIC
    from xiaoyou.content.views import hall_articles
    from xiaoyou.core.registry import (
        NavEntry,
        QuickEntry,
        Section,
        console_nav,
        hall_home_sections,
        hall_menu,
    )

    for key, label, url_name, icon, order in (
        ("content_articles", _("Articles"), "console:content_articles", "news", 590),
        (
            "content_article_categories",
            _("Article categories"),
            "console:content_article_categories",
            "list",
            591,
        ),
    ):
        console_nav.add(
            NavEntry(
                key=key,
                label=label,
                url_name=url_name,
                icon=icon,
                section=_("Content"),
                order=order,
                permission=is_console_user,
            )
        )
    hall_menu.add(
        QuickEntry(
            key="content_articles",
            label=_("News"),
            url_name="hall:content_articles",
            icon="news",
            order=15,
        )
    )
    hall_home_sections.add(
        Section(
            key="content_articles",
            label=_("News"),
            render=hall_articles.home_section,
            order=15,
            cache_seconds=HOME_SECTION_SECONDS,
            cache_topics=(ARTICLES_TOPIC,),
        )
    )
