"""What articles (文章) plug into core and the shells, called once from ContentConfig.ready():
policy rules, review kinds, the schedule, console sidebar entries, the hall menu entry and the
hall home section "News" (cached per language and audience, rebuilt when articles change)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

HOME_SECTION_SECONDS = 300


def my_article_comments(user: Any) -> list[dict[str, Any]]:
    """ "Download my data" (PIPL): the person's comments on articles, with their review status."""
    from django.utils import timezone

    from xiaoyou.content.models import ArticleComment

    comments = (
        ArticleComment.objects.filter(author=user)
        .select_related("article")
        .order_by("created_at", "id")
    )
    return [
        {
            "article": comment.article.title,
            "comment": comment.body,
            "status": comment.status,
            "created_at": timezone.localtime(comment.created_at).isoformat(),
        }
        for comment in comments
    ]


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
        PersonalDataExporter,
        QuickEntry,
        Section,
        console_nav,
        hall_home_sections,
        hall_menu,
        personal_data_exporters,
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
    personal_data_exporters.add(
        PersonalDataExporter(
            key="article_comments",
            label=_("My comments on articles"),
            export=my_article_comments,
            order=190,
        )
    )
