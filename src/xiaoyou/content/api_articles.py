"""API of articles (新闻) for readers: published articles by category with keyword search, an
article with its attachments (its view counted as the hall counts it), the categories, the
published comments, and posting a comment (it waits for the organization's approval).

The same selectors, policy and services as the hall: an article the caller may not see is a
404 (drafts are seen by their author and the organization's admins only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import CappedPageNumber, PageNumber
from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.models import Article, ArticleComment, ArticleStatus, CommentStatus
from xiaoyou.content.services import article_comments
from xiaoyou.content.services import articles as article_services
from xiaoyou.core import policy

router = Router(tags=["articles"])

QUERY_MAX_LENGTH = 50


# --- Schemas ------------------------------------------------------------------------------------


class ArticleOut(Schema):
    id: int
    title: str
    excerpt: str = Field(..., description="The start of the text, without markup.")
    org_id: int
    org_name: str
    category_id: int | None
    category_name: str
    source: str
    author_name: str
    cover_url: str
    is_pinned: bool
    is_recommended: bool
    view_count: int
    published_at: datetime | None

    @staticmethod
    def resolve_org_name(obj: Article) -> str:
        return obj.org.name

    @staticmethod
    def resolve_category_name(obj: Article) -> str:
        return obj.category.name if obj.category_id and obj.category else ""

    @staticmethod
    def resolve_cover_url(obj: Article) -> str:
        return obj.cover.url if obj.cover else ""


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.original_name)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("hall:content_article_attachment", args=[obj.pk])


class CommentOut(Schema):
    id: int
    article_id: int
    author_name: str
    body: str
    status: str = Field(..., description="published; pending while it waits for approval.")
    created_at: datetime
    published_at: datetime | None

    @staticmethod
    def resolve_author_name(obj: ArticleComment) -> str:
        return str(obj.author)


class ArticleDetailOut(ArticleOut):
    status: str = Field(..., description="published (others only for its author and admins).")
    body: str = Field(..., description="Sanitized HTML.")
    allows_comments: bool
    may_comment: bool
    attachments: list[AttachmentOut]
    my_pending_comments: list[CommentOut] = Field(
        ..., description="The caller's comments still waiting for approval."
    )

    @staticmethod
    def resolve_may_comment(obj: Article, context: Any) -> bool:
        return policy.can(context["request"].auth, "comment", obj)

    @staticmethod
    def resolve_attachments(obj: Article) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_my_pending_comments(obj: Article, context: Any) -> list[Any]:
        return list(
            obj.comments.filter(author=context["request"].auth, status=CommentStatus.PENDING)
            .select_related("author")
            .order_by("created_at", "id")
        )


class CategoryOut(Schema):
    id: int
    name: str
    org_id: int
    article_count: int = Field(..., description="Published articles.")


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=article_comments.COMMENT_MAX_LENGTH)


# --- Helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _article(request: HttpRequest, article_id: int) -> Article:
    article = selectors.article_visible(_user(request), article_id)
    if article is None:
        raise Http404
    return article


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/content/articles",
    response=list[ArticleOut],
    summary="Published articles, pinned first, newest first",
    description="Filter by category; `q` finds every word in the title or text (2 characters "
    "are enough, e.g. 校友). `count` stops at 1,000 (`count_capped`).",
)
@paginate(CappedPageNumber)
def article_list(
    request: HttpRequest,
    # Plain annotations: @paginate resolves the parameters outside this module.
    category_id: int = Query(0, description="A category id from /content/article-categories."),
    q: str = Query("", max_length=200, description="Words of the title or text."),
) -> Any:
    articles = selectors.articles_published()
    if category_id:
        articles = articles.filter(category_id=category_id)
    text = " ".join(q.split())[:QUERY_MAX_LENGTH]
    if text:
        articles = selectors.search(articles, text)
    return articles


@router.get(
    "/content/article-categories",
    response=list[CategoryOut],
    summary="Categories that have a published article",
)
def category_list(request: HttpRequest) -> Any:
    return list(selectors.hall_categories())


@router.get(
    "/content/articles/{article_id}",
    response=ArticleDetailOut,
    summary="One article with its attachments; reading a published one counts a view",
)
def article_detail(request: HttpRequest, article_id: int) -> Any:
    article = _article(request, article_id)
    if article.status == ArticleStatus.PUBLISHED:
        article_services.article_view(article=article)
        article.view_count += 1
    return article


@router.get(
    "/content/articles/{article_id}/comments",
    response=list[CommentOut],
    summary="Published comments of an article, oldest first",
)
@paginate(PageNumber)
def comment_list(request: HttpRequest, article_id: int) -> Any:
    return selectors.comments_published(_article(request, article_id))


@router.post(
    "/content/articles/{article_id}/comments",
    response={201: CommentOut},
    summary="Comment on a published article; it shows once the organization approves it",
)
def comment_post(request: HttpRequest, article_id: int, payload: CommentIn) -> Any:
    comment = article_comments.comment_post(
        actor=_user(request), article=_article(request, article_id), body=payload.body
    )
    return Status(201, comment)
