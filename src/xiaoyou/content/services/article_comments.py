"""Comments of articles (评论): they wait in the organization's review queue; approving (in
the to-do list or on the article's comments page) publishes them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xiaoyou.content.models import Article, ArticleComment, CommentStatus
from xiaoyou.core import audit, policy, reviews
from xiaoyou.core.errors import ApplicationError

COMMENT_REVIEW_KIND = "content.article_comment"
COMMENT_MAX_LENGTH = 500


@transaction.atomic
def comment_post(*, actor: Any, article: Article, body: str) -> ArticleComment:
    """A comment waits for approval in the organization's review queue; rate-limited."""
    from xiaoyou.core import ratelimit

    policy.require(actor, "comment", article)
    text = str(body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ApplicationError("article_comment_required")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ApplicationError("article_comment_too_long", limit=COMMENT_MAX_LENGTH)
    rule = ratelimit.Rule(f"content:article_comment:{actor.pk}", ratelimit.Rate(10, 600))
    if ratelimit.hit_all([rule]) is not None:
        raise ApplicationError("rate_limited", status=429)
    comment = ArticleComment.objects.create(article=article, author=actor, body=text)
    reviews.review_submit(
        obj=comment,
        submitter=actor,
        org=article.org,
        kind=COMMENT_REVIEW_KIND,
        summary=f"{article.title} — {text[:120]}",
    )
    return comment


MODERATION_ACTIONS = ("approve", "reject", "hide")


@transaction.atomic
def comment_moderate(*, actor: Any, comment: ArticleComment, action: str) -> ArticleComment:
    """Approves or rejects a waiting comment (deciding its review item), or hides a published
    one; admins of the article's organization only, audited."""
    if action not in MODERATION_ACTIONS:
        raise ApplicationError("content_unknown_action")
    policy.require(actor, "moderate", comment)
    item = reviews.pending_item(comment) if comment.status == CommentStatus.PENDING else None
    if item is not None and action in ("approve", "reject"):
        reviews.review_decide(
            item=item,
            actor=actor,
            approved=action == "approve",
            reason="" if action == "approve" else gettext("Not suitable for publication."),
        )
        comment.refresh_from_db()
        return comment
    if item is not None:  # hidden before anyone decided: nothing left to review
        reviews.review_withdraw(obj=comment, actor=actor, reason=gettext("Hidden by a manager."))
    with transaction.atomic():
        locked = ArticleComment.objects.select_for_update().get(pk=comment.pk)
        before = locked.status
        if action == "approve":
            locked.status = CommentStatus.PUBLISHED
            locked.published_at = locked.published_at or timezone.now()
        else:
            locked.status = (
                CommentStatus.HIDDEN
                if before == CommentStatus.PUBLISHED
                else CommentStatus.REJECTED
            )
        if locked.status != before:
            locked.save(update_fields=["status", "published_at", "updated_at"])
            audit.record(
                actor=actor,
                action=f"content.article_comment.{action}",
                obj=locked,
                org=comment.article.org,
                changes={"status": [before, locked.status]},
            )
    return locked


# --- Review queue -------------------------------------------------------------------------------


def _approve_comment(comment: ArticleComment, *, item: Any, actor: Any, reason: str) -> None:
    if comment.status == CommentStatus.PENDING:
        comment.status = CommentStatus.PUBLISHED
        comment.published_at = timezone.now()
        comment.save(update_fields=["status", "published_at", "updated_at"])


def _reject_comment(comment: ArticleComment, *, item: Any, actor: Any, reason: str) -> None:
    if comment.status == CommentStatus.PENDING:
        comment.status = CommentStatus.REJECTED
        comment.save(update_fields=["status", "updated_at"])


def _comment_details(comment: ArticleComment) -> list[tuple[Any, Any]]:
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Article"), comment.article.title),
        (_("Author"), str(comment.author)),
        (_("Comment"), comment.body),
    ]


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    reviews.register(
        COMMENT_REVIEW_KIND,
        model=ArticleComment,
        label=_("Article comments"),
        on_approve=_approve_comment,
        on_reject=_reject_comment,
        details=_comment_details,
        order=56,
    )
