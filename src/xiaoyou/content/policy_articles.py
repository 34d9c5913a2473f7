"""Who may do what with articles (rules evaluated by core.policy).

- Admins of an article's organization (and of the organizations above it) manage it: write,
  edit, publish now or later, pin, recommend, delete and restore, moderate its comments, decide
  submissions; platform operators everything. The same admins manage the organization's
  categories.
- An admin of a sub-organization (a descendant of the article's organization) may write an
  article for it and submit it for review (下级投稿); they edit their own article while it is a
  draft (before submitting, or after a rejection) and never publish it themselves.
- Everyone (signed out too) reads a published article of an active organization; its managers
  and its author see it in every status.
- Any signed-in person may comment on a published article that allows comments; comments wait
  for the organization's approval.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def manages(user: Any, org: Any) -> bool:
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import has_role

    if not _is_authenticated(user):
        return False
    if user.is_superuser and user.is_active:
        return True
    return has_role(user, org, Role.ADMIN)


def administered_sub_organization(user: Any, org: Any) -> bool:
    """True when `user` administers a strict descendant of `org` (a sub-organization)."""
    from xiaoyou.organizations.models import Role
    from xiaoyou.organizations.selectors import role_paths

    if not _is_authenticated(user):
        return False
    return any(
        path.startswith(org.path) and path != org.path for path in role_paths(user, Role.ADMIN)
    )


def may_write_for(user: Any, org: Any) -> bool:
    """May write an article for `org`: its admins, and admins of its sub-organizations."""
    return manages(user, org) or administered_sub_organization(user, org)


def _can_edit(user: Any, article: Any) -> bool:
    from xiaoyou.content.models import ArticleStatus

    if manages(user, article.org):
        return True
    return (
        _is_authenticated(user)
        and article.created_by_id == user.pk
        and article.status == ArticleStatus.DRAFT
        and administered_sub_organization(user, article.org)
    )


def _can_view(user: Any, article: Any) -> bool:
    from xiaoyou.content.models import ArticleStatus

    if article.status == ArticleStatus.PUBLISHED and article.org.is_active:
        return True
    if not _is_authenticated(user):
        return False
    if article.created_by_id == user.pk and article.status != ArticleStatus.DELETED:
        return True
    return manages(user, article.org)


def _can_comment(user: Any, article: Any) -> bool:
    from xiaoyou.content.models import ArticleStatus

    return (
        _is_authenticated(user)
        and user.is_active
        and article.status == ArticleStatus.PUBLISHED
        and article.allows_comments
    )


def register() -> None:
    from xiaoyou.content.models import Article, ArticleCategory, ArticleComment
    from xiaoyou.organizations.models import Role

    policy.register(Article, "manage", role=Role.ADMIN, org_field="org")
    policy.register(Article, "edit", role=None, check=_can_edit)
    policy.register(Article, "submit", role=None, check=_can_edit)
    policy.register(Article, "view", role=None, check=_can_view, allow_anonymous=True)
    policy.register(Article, "comment", role=None, check=_can_comment)
    policy.register(ArticleCategory, "manage", role=Role.ADMIN, org_field="org")
    policy.register(ArticleComment, "moderate", role=Role.ADMIN, org_field="article__org")
