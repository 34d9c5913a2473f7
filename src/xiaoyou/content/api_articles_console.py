"""API of articles for the console's users (文章管理): the articles of the organizations one
administers (and the ones one wrote for an organization above), writing, editing, publishing
now or later, submitting a sub-organization's article for review, deleting and restoring.

Every write goes through the services of content/services/articles.py, which check the policy
and audit. An article the caller may not see is a 404; one they see (a published article of
another organization) but may not change is a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xiaoyou.api.pagination import PageNumber
from xiaoyou.content import policy_articles
from xiaoyou.content import selectors_articles as selectors
from xiaoyou.content.api_articles import AttachmentOut
from xiaoyou.content.models import Article, ArticleStatus
from xiaoyou.content.services import articles as article_services
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError

router = Router(tags=["articles (console)"])


# --- Schemas ------------------------------------------------------------------------------------


class ManagedArticleOut(Schema):
    id: int
    title: str
    status: ArticleStatus
    org_id: int
    org_name: str
    source_org_id: int | None = Field(..., description="The sub-organization that wrote it.")
    category_id: int | None
    source: str
    author_name: str
    is_pinned: bool
    is_recommended: bool
    allows_comments: bool
    view_count: int
    publish_at: datetime | None = Field(..., description="Scheduled publication.")
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_org_name(obj: Article) -> str:
        return obj.org.name


class ManagedArticleDetailOut(ManagedArticleOut):
    body: str = Field(..., description="Sanitized HTML.")
    may_edit: bool
    may_manage: bool = Field(..., description="May publish, pin, delete and restore.")
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_may_edit(obj: Article, context: Any) -> bool:
        return policy.can(context["request"].auth, "edit", obj)

    @staticmethod
    def resolve_may_manage(obj: Article, context: Any) -> bool:
        return policy.can(context["request"].auth, "manage", obj)

    @staticmethod
    def resolve_attachments(obj: Article) -> list[Any]:
        return list(obj.attachments.all())


class ArticleFieldsIn(Schema):
    """Only the fields sent change (an update); null clears the category."""

    title: str | None = Field(None, min_length=1, max_length=120)
    body: str | None = Field(None, max_length=200_000, description="HTML; sanitized.")
    category_id: int | None = None
    source: str | None = Field(None, max_length=100)
    author_name: str | None = Field(None, max_length=60)
    allows_comments: bool | None = None


class ArticleCreateIn(ArticleFieldsIn):
    org_id: int = Field(..., description="An organization one administers, or its parent.")
    title: str = Field(..., min_length=1, max_length=120)  # type: ignore[assignment]


class PublishIn(Schema):
    publish_at: datetime | None = Field(
        None, description="Publish later at this time (future); now when left out."
    )


class WritableOrganizationOut(Schema):
    id: int
    name: str
    manages: bool = Field(..., description="False: the article is submitted for review.")


# --- Helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _managed(request: HttpRequest, article_id: int) -> Article:
    article = selectors.article_console(_user(request), article_id)
    if article is None:
        raise Http404
    return article


def _for_write(request: HttpRequest, article_id: int) -> Article:
    """The article to change: 404 unless the caller may see it; the service decides 403."""
    user = _user(request)
    article = selectors.article_console(user, article_id) or selectors.article_visible(
        user, article_id
    )
    if article is None:
        raise Http404
    return article


def _fields(payload: ArticleFieldsIn) -> dict[str, Any]:
    fields = payload.model_dump(exclude_unset=True, exclude={"org_id"})
    nulls = sorted(
        name for name, value in fields.items() if value is None and name != "category_id"
    )
    if nulls:
        raise ApplicationError("invalid_input", f"{', '.join(nulls)}: may not be null", status=422)
    if "category_id" in fields:
        fields["category"] = fields.pop("category_id")
    return fields


# --- Endpoints ----------------------------------------------------------------------------------


@router.get(
    "/content/console/articles",
    response=list[ManagedArticleOut],
    summary="Articles of the organizations I administer, and those I wrote; newest change first",
)
@paginate(PageNumber)
def managed_article_list(
    request: HttpRequest,
    # Plain annotations: @paginate resolves the parameters outside this module.
    status: str = Query("", description="draft, in_review, scheduled, published or deleted"),
    org_id: int = Query(0, description="One organization."),
    category_id: int = Query(0),
    q: str = Query("", max_length=200, description="Words of the title or text."),
) -> Any:
    articles = selectors.articles_console(_user(request))
    if status:
        if status not in ArticleStatus.values:
            raise ApplicationError("invalid_input", status=422)
        articles = articles.filter(status=status)
    if org_id:
        articles = articles.filter(org_id=org_id)
    if category_id:
        articles = articles.filter(category_id=category_id)
    text = " ".join(q.split())[:50]
    if text:
        articles = selectors.search(articles, text)
    return articles.order_by("-updated_at", "-id")


@router.get(
    "/content/console/article-organizations",
    response=list[WritableOrganizationOut],
    summary="Organizations I may write an article for",
)
def writable_organizations(request: HttpRequest) -> Any:
    user = _user(request)
    return [
        {"id": org.pk, "name": org.name, "manages": policy_articles.manages(user, org)}
        for org in selectors.writable_organizations(user)
    ]


@router.post(
    "/content/console/articles",
    response={201: ManagedArticleDetailOut},
    summary="Write a draft (then publish it, or submit it when it is for the organization above)",
)
def managed_article_create(request: HttpRequest, payload: ArticleCreateIn) -> Any:
    user = _user(request)
    org = next(
        (org for org in selectors.writable_organizations(user) if org.pk == payload.org_id), None
    )
    if org is None:
        raise ApplicationError("permission_denied", status=403)
    fields = _fields(payload)
    title = fields.pop("title")
    article = article_services.article_create(actor=user, org=org, title=title, **fields)
    return Status(201, _managed(request, article.pk))


@router.get(
    "/content/console/articles/{article_id}",
    response=ManagedArticleDetailOut,
    summary="One article in any status, for its managers and its author",
)
def managed_article_detail(request: HttpRequest, article_id: int) -> Any:
    return _managed(request, article_id)


@router.patch(
    "/content/console/articles/{article_id}",
    response=ManagedArticleDetailOut,
    summary="Change an article (a new revision when the title or text changes)",
)
def managed_article_update(request: HttpRequest, article_id: int, payload: ArticleFieldsIn) -> Any:
    article = article_services.article_update(
        actor=_user(request), article=_for_write(request, article_id), **_fields(payload)
    )
    return _managed(request, article.pk)


@router.post(
    "/content/console/articles/{article_id}/publish",
    response=ManagedArticleDetailOut,
    summary="Publish a draft now, or at publish_at (定时发布); the organization's admins",
)
def managed_article_publish(request: HttpRequest, article_id: int, payload: PublishIn) -> Any:
    user = _user(request)
    article = _for_write(request, article_id)
    if payload.publish_at is None:
        article = article_services.article_publish(actor=user, article=article)
    else:
        article = article_services.article_schedule(
            actor=user, article=article, publish_at=payload.publish_at
        )
    return _managed(request, article.pk)


@router.post(
    "/content/console/articles/{article_id}/submit",
    response=ManagedArticleDetailOut,
    summary="Submit a sub-organization's draft to the organization's review",
)
def managed_article_submit(request: HttpRequest, article_id: int, payload: PublishIn) -> Any:
    article = article_services.article_submit_for_review(
        actor=_user(request),
        article=_for_write(request, article_id),
        publish_at=payload.publish_at,
    )
    return _managed(request, article.pk)


@router.delete(
    "/content/console/articles/{article_id}",
    response=ManagedArticleDetailOut,
    summary="Delete an article (restorable); the organization's admins",
)
def managed_article_delete(request: HttpRequest, article_id: int) -> Any:
    article = article_services.article_delete(
        actor=_user(request), article=_for_write(request, article_id)
    )
    return _managed(request, article.pk)


@router.post(
    "/content/console/articles/{article_id}/restore",
    response=ManagedArticleDetailOut,
    summary="Restore a deleted article as it was (one in review comes back as a draft)",
)
def managed_article_restore(request: HttpRequest, article_id: int) -> Any:
    article = article_services.article_restore(
        actor=_user(request), article=_managed(request, article_id)
    )
    return _managed(request, article.pk)
