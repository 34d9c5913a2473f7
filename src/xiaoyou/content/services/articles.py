"""文章: writing, publishing (now, later, or after review), pinning, revisions, comments.

Rules enforced here (policy in content/policy_articles.py):
- The body is sanitized (core.richtext) before it is stored, and its plain text is kept beside
  it for search and excerpts.
- The search index (content/search_articles.py) follows every change of the title or body.
- Every save that changes the title or the body stores a revision (a whole snapshot); restoring
  a revision is an edit like any other, so it is itself a new revision.
- An article of a sub-organization's admin goes to the organization's review queue; approving
  publishes it (or schedules it when its publishing time is still ahead), rejecting returns it
  to draft.
- Scheduled articles are published by a periodic task with one conditional UPDATE, so two
  workers never publish one twice.
- Comments wait in the review queue; approving publishes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.content import policy_articles
from xiaoyou.content.models import (
    Article,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
)
from xiaoyou.content.search_articles import article_search_index
from xiaoyou.core import audit, fragment_cache, policy, reviews
from xiaoyou.core import images as core_images
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.richtext import plain_text, sanitize
from xiaoyou.organizations.models import Organization

ARTICLE_REVIEW_KIND = "content.article"
# Hall fragments built from published articles (home section "News").
ARTICLES_TOPIC = "content.articles"
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 200_000
COVER_MAX_BYTES = 5 * 1024 * 1024
TEXT_FIELDS = {"source": 100, "author_name": 60}


# --- Cleaning -----------------------------------------------------------------------------------


def _clean_title(value: Any) -> str:
    title = " ".join(str(value or "").split())[:TITLE_MAX_LENGTH]
    if not title:
        raise ApplicationError("article_title_required")
    return title


def _clean_body(value: Any) -> tuple[str, str]:
    body = sanitize(str(value or "")[:BODY_MAX_LENGTH])
    return body, plain_text(body)


def _clean_category(value: Any, org: Organization) -> ArticleCategory | None:
    if value in (None, ""):
        return None
    category = (
        value
        if isinstance(value, ArticleCategory)
        else ArticleCategory.objects.filter(pk=value).first()
    )
    # A category of the organization or of one above it (a college uses the school's columns).
    if category is None or not org.path.startswith(category.org.path):
        raise ApplicationError("article_category_invalid")
    return category


def _cover_file(upload: Any) -> ContentFile[bytes]:
    try:
        extension = core_images.image_validate(upload, max_bytes=COVER_MAX_BYTES)
    except ValidationError as error:
        raise ApplicationError("invalid_input", " ".join(error.messages)) from None
    upload.seek(0)
    return ContentFile(upload.read(), name=f"cover.{extension}")


def _apply(article: Article, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Sets the given editable fields on `article`; returns the changes (for the audit)."""
    changes: dict[str, list[Any]] = {}

    def put(name: str, value: Any) -> None:
        before = getattr(article, name)
        if before != value:
            changes[name] = [getattr(before, "pk", before), getattr(value, "pk", value)]
            setattr(article, name, value)

    if "title" in fields:
        put("title", _clean_title(fields["title"]))
    if "body" in fields:
        body, text = _clean_body(fields["body"])
        if article.body != body:
            changes["body"] = [len(article.body), len(body)]
            article.body = body
            article.body_text = text
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            put(name, " ".join(str(fields[name] or "").split())[:limit])
    if "category" in fields:
        put("category", _clean_category(fields["category"], article.org))
    if "allows_comments" in fields:
        put("allows_comments", bool(fields["allows_comments"]))
    if fields.get("cover"):
        cover = _cover_file(fields["cover"])
        article.cover.save(str(cover.name), cover, save=False)
        changes["cover"] = [None, str(article.cover.name)]
    elif fields.get("remove_cover") and article.cover:
        changes["cover"] = [str(article.cover.name), None]
        article.cover = None  # type: ignore[assignment]
    return changes


def _revision_add(article: Article, editor: Any) -> ArticleRevision:
    last = article.revisions.aggregate(number=Max("number"))["number"] or 0
    return ArticleRevision.objects.create(
        article=article, number=last + 1, title=article.title, body=article.body, editor=editor
    )


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update(of=("self",)).select_related("org").get(pk=article.pk)


def _announce() -> None:
    fragment_cache.invalidate(ARTICLES_TOPIC)


# --- Articles -----------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *, actor: Any, org: Organization, title: str, body: str = "", **fields: Any
) -> Article:
    """A new draft of `org`: its admins, or an admin of one of its sub-organizations (whose
    article then needs the organization's review). Stores revision 1, audited."""
    if not policy_articles.may_write_for(actor, org):
        policy.require(actor, "manage", Article, org=org)
    article = Article(org=org, created_by=actor, status=ArticleStatus.DRAFT)
    if not policy_articles.manages(actor, org):
        article.source_org = _source_org(actor, org)
    _apply(article, {"title": title, "body": body, **fields})
    article.save()
    article_search_index(article)
    _revision_add(article, actor)
    audit.record(actor=actor, action="content.article.create", obj=article, org=org)
    return article


def _source_org(actor: Any, org: Organization) -> Organization | None:
    """The sub-organization of `org` that the actor administers (the nearest one)."""
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import role_paths

    paths = sorted(
        (
            path
            for path in role_paths(actor, Role.ADMIN)
            if path.startswith(org.path) and path != org.path
        ),
        key=len,
    )
    return Organization.objects.filter(path=paths[0]).first() if paths else None


@transaction.atomic
def article_update(*, actor: Any, article: Article, **fields: Any) -> Article:
    """Changes an article; a new revision when the title or body changed, audited."""
    article = _lock(article)
    policy.require(actor, "edit", article)
    if article.status == ArticleStatus.DELETED:
        raise ApplicationError("article_wrong_status")
    changes = _apply(article, fields)
    if changes:
        article.save()
        if "title" in changes or "body" in changes:
            article_search_index(article)
            _revision_add(article, actor)
        audit.record(
            actor=actor,
            action="content.article.update",
            obj=article,
            org=article.org,
            changes=changes,
        )
        if article.status == ArticleStatus.PUBLISHED:
            _announce()
    return article


def _set_status(article: Article, actor: Any, status: str, **extra: Any) -> None:
    before = article.status
    article.status = status
    for key, value in extra.items():
        setattr(article, key, value)
    article.save(update_fields=["status", *extra.keys(), "updated_at"])
    audit.record(
        actor=actor,
        action=f"content.article.{status}",
        obj=article,
        org=article.org,
        changes={"status": [before, status]},
    )
    _announce()


@transaction.atomic
def article_publish(*, actor: Any, article: Article) -> Article:
    """Publishes a draft or scheduled article now; its managers only, audited."""
    article = _lock(article)
    policy.require(actor, "manage", article)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.SCHEDULED):
        raise ApplicationError("article_wrong_status")
    if not article.body_text and "<img" not in article.body:
        raise ApplicationError("article_body_required")
    _set_status(article, actor, ArticleStatus.PUBLISHED, published_at=timezone.now())
    return article


@transaction.atomic
def article_schedule(*, actor: Any, article: Article, publish_at: dt.datetime) -> Article:
    """定时发布: the article is published by the periodic task at `publish_at` (future)."""
    article = _lock(article)
    policy.require(actor, "manage", article)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.SCHEDULED):
        raise ApplicationError("article_wrong_status")
    if publish_at <= timezone.now():
        raise ApplicationError("article_publish_at_past")
    if not article.body_text and "<img" not in article.body:
        raise ApplicationError("article_body_required")
    _set_status(article, actor, ArticleStatus.SCHEDULED, publish_at=publish_at)
    return article


def articles_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publishes every scheduled article whose time has come; one conditional UPDATE (a second
    worker running at the same time finds nothing left). Returns how many it published."""
    now = now or timezone.now()
    with transaction.atomic():
        count = Article.objects.filter(status=ArticleStatus.SCHEDULED, publish_at__lte=now).update(
            status=ArticleStatus.PUBLISHED, published_at=F("publish_at"), updated_at=now
        )
        if count:
            _announce()
    return count


@transaction.atomic
def article_submit_for_review(
    *, actor: Any, article: Article, publish_at: dt.datetime | None = None
) -> Article:
    """Sends a draft to the review queue of its organization (a sub-organization's article);
    `publish_at` asks for publication later once approved."""
    article = _lock(article)
    policy.require(actor, "submit", article)
    if article.status != ArticleStatus.DRAFT:
        raise ApplicationError("article_wrong_status")
    if not article.body_text and "<img" not in article.body:
        raise ApplicationError("article_body_required")
    article.status = ArticleStatus.IN_REVIEW
    article.publish_at = publish_at if publish_at and publish_at > timezone.now() else None
    article.save(update_fields=["status", "publish_at", "updated_at"])
    source = article.source_org.name if article.source_org is not None else ""
    reviews.review_submit(
        obj=article,
        submitter=actor,
        org=article.org,
        kind=ARTICLE_REVIEW_KIND,
        summary=f"{article.title}" + (f" ({source})" if source else ""),
    )
    return article


def _flag(actor: Any, article: Article, name: str, value: bool) -> Article:
    article = _lock(article)
    policy.require(actor, "manage", article)
    if getattr(article, name) != value:
        setattr(article, name, value)
        article.save(update_fields=[name, "updated_at"])
        audit.record(
            actor=actor,
            action=f"content.article.{name}",
            obj=article,
            org=article.org,
            changes={name: [not value, value]},
        )
        _announce()
    return article


@transaction.atomic
def article_pin(*, actor: Any, article: Article, pinned: bool = True) -> Article:
    """置顶 (or not): pinned articles lead the lists; managers only, audited."""
    return _flag(actor, article, "is_pinned", pinned)


@transaction.atomic
def article_recommend(*, actor: Any, article: Article, recommended: bool = True) -> Article:
    """推荐 (or not): recommended articles show in the hall's News section first."""
    return _flag(actor, article, "is_recommended", recommended)


@transaction.atomic
def article_delete(*, actor: Any, article: Article) -> Article:
    """Deletes (softly: restorable) an article; managers only, audited. An article waiting for
    review leaves the queue (withdrawn); restoring it makes it a draft to submit again."""
    article = _lock(article)
    policy.require(actor, "manage", article)
    if article.status == ArticleStatus.DELETED:
        return article
    reviews.review_withdraw(obj=article, actor=actor, reason=gettext("The article was deleted."))
    _set_status(
        article,
        actor,
        ArticleStatus.DELETED,
        status_before_delete=article.status,
        is_pinned=False,
    )
    return article


@transaction.atomic
def article_restore(*, actor: Any, article: Article) -> Article:
    """Restores a deleted article: published or scheduled as it was, otherwise a draft (an
    article deleted while in review goes back to draft, to be submitted again)."""
    article = _lock(article)
    policy.require(actor, "manage", article)
    if article.status != ArticleStatus.DELETED:
        raise ApplicationError("article_wrong_status")
    status = article.status_before_delete
    if status not in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED):
        status = ArticleStatus.DRAFT
    _set_status(article, actor, status, status_before_delete="")
    return article


@transaction.atomic
def revision_restore(*, actor: Any, revision: ArticleRevision) -> Article:
    """Puts a revision's title and body back (stored as a new revision), audited."""
    article = article_update(
        actor=actor, article=revision.article, title=revision.title, body=revision.body
    )
    audit.record(
        actor=actor,
        action="content.article.revision_restore",
        obj=article,
        org=article.org,
        changes={"revision": [None, revision.number]},
    )
    return article


def article_view(*, article: Article) -> None:
    """Counts one view (an UPDATE with F(): concurrent readers never lose a count)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


# --- Categories --------------------------------------------------------------------------------


@transaction.atomic
def category_create(
    *, actor: Any, org: Organization, name: str, position: int = 0
) -> ArticleCategory:
    """A category of `org`; its admins only, audited; names are unique per organization."""
    policy.require(actor, "manage", ArticleCategory, org=org)
    name = " ".join(str(name or "").split())[:40]
    if not name:
        raise ApplicationError("article_category_name_required")
    if ArticleCategory.objects.filter(org=org, name=name).exists():
        raise ApplicationError("article_category_exists")
    category = ArticleCategory.objects.create(org=org, name=name, position=max(0, position))
    audit.record(actor=actor, action="content.category.create", obj=category, org=org)
    return category


@transaction.atomic
def category_delete(*, actor: Any, category: ArticleCategory) -> None:
    """Deletes a category; its articles keep existing without one. Admins only, audited."""
    policy.require(actor, "manage", category)
    audit.record(
        actor=actor,
        action="content.category.delete",
        obj=category,
        org=category.org,
        changes={"name": [category.name, None]},
    )
    category.delete()
    _announce()


# --- Review queue -------------------------------------------------------------------------------


def _approve_article(article: Article, *, item: Any, actor: Any, reason: str) -> None:
    if article.status != ArticleStatus.IN_REVIEW:
        return
    now = timezone.now()
    if article.publish_at and article.publish_at > now:
        article.status = ArticleStatus.SCHEDULED
    else:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = now
    article.save(update_fields=["status", "published_at", "updated_at"])
    _announce()


def _reject_article(article: Article, *, item: Any, actor: Any, reason: str) -> None:
    if article.status == ArticleStatus.IN_REVIEW:
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status", "updated_at"])


def _article_details(article: Article) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Organization"), article.org.name),
        (_("Submitted by"), article.source_org.name if article.source_org is not None else ""),
        (_("Title"), article.title),
        (_("Source"), article.source),
        (_("Author"), article.author_name),
        (_("Text"), article.body_text[:500]),
        (_("Publish at"), article.publish_at or ""),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        ARTICLE_REVIEW_KIND,
        model=Article,
        label=_("Articles"),
        on_approve=_approve_article,
        on_reject=_reject_article,
        details=_article_details,
        order=55,
    )
