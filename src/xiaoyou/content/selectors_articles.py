"""Reads of articles, scoped by policy once here."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaoyou.content.models import (
    Article,
    ArticleCategory,
    ArticleComment,
    ArticleStatus,
    CommentStatus,
)
from xiaoyou.content.search_articles import search_filter
from xiaoyou.core import policy

SEARCH_TERMS = 5


def articles_console(user: Any) -> QuerySet[Article]:
    """Articles of the organizations `user` administers (and below), and the articles the user
    wrote for an organization above (a sub-organization's submissions)."""
    managed = policy.scoped(Article.objects.all(), user, "manage")
    queryset = Article.objects.filter(
        Q(pk__in=managed.values("pk")) | Q(created_by_id=getattr(user, "pk", None))
    )
    return queryset.select_related("org", "category", "source_org", "created_by")


def article_console(user: Any, pk: int) -> Article | None:
    return articles_console(user).filter(pk=pk).first()


def categories_console(user: Any) -> QuerySet[ArticleCategory]:
    return (
        policy.scoped(ArticleCategory.objects.all(), user, "manage")
        .select_related("org")
        .annotate(article_count=Count("articles"))
        .order_by("org__path", "position", "id")
    )


def categories_for(org: Any) -> QuerySet[ArticleCategory]:
    """Categories an article of `org` may use: the organization's and those above it."""
    paths = [org.path[: index + 1] for index, char in enumerate(org.path) if char == "/"][1:]
    return (
        ArticleCategory.objects.filter(org__path__in=paths)
        .select_related("org")
        .order_by("org__path", "position", "id")
    )


def search(queryset: QuerySet[Article], text: str) -> QuerySet[Article]:
    """Keyword search over the title and the body's plain text, every term required (at most
    SEARCH_TERMS), keeping `queryset`'s filters and order.

    Through the articles' search index (content.search_articles): a CJK term matches as a
    substring (2-character terms such as 校友 included), a Latin word as a word or word prefix,
    case-insensitive.
    """
    return search_filter(queryset, text.split()[:SEARCH_TERMS])


def articles_published() -> QuerySet[Article]:
    """Published articles of active organizations, pinned first, newest first."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, org__is_active=True)
        .select_related("org", "category")
        .defer("body")
        .order_by("-is_pinned", "-published_at", "-id")
    )


def article_visible(user: Any, pk: int) -> Article | None:
    article = (
        Article.objects.select_related("org", "category", "source_org")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if article is None or not policy.can(user, "view", article):
        return None
    return article


def hall_categories() -> QuerySet[ArticleCategory]:
    """Categories that have a published article (the hall list's tabs)."""
    return (
        ArticleCategory.objects.filter(
            articles__status=ArticleStatus.PUBLISHED, org__is_active=True
        )
        .annotate(article_count=Count("articles", filter=Q(articles__status="published")))
        .order_by("org__path", "position", "id")
    )


def comments_published(article: Article) -> QuerySet[ArticleComment]:
    return (
        ArticleComment.objects.filter(article=article, status=CommentStatus.PUBLISHED)
        .select_related("author")
        .order_by("created_at", "id")
    )


def comments_console(article: Article) -> QuerySet[ArticleComment]:
    return (
        ArticleComment.objects.filter(article=article)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def comment_console(user: Any, pk: int) -> ArticleComment | None:
    comment = ArticleComment.objects.select_related("article__org", "author").filter(pk=pk).first()
    if comment is None or not policy.can(user, "moderate", comment):
        return None
    return comment


def writable_organizations(user: Any) -> list[Any]:
    """Organizations `user` may write an article for: those they administer (and below) and
    the parent of each, for a sub-organization's submission, in tree order."""
    from xiaoyou.organizations.models import Organization
    from xiaoyou.organizations.selectors import administered_organizations

    administered = list(administered_organizations(user).order_by("path")[:500])
    parent_ids = {org.parent_id for org in administered if org.parent_id} - {
        org.pk for org in administered
    }
    parents = list(Organization.objects.filter(pk__in=parent_ids, is_active=True))
    return sorted([*administered, *parents], key=lambda org: org.path)
