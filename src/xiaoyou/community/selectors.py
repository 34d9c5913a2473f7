"""Reads of the community: boards, threads, mutual-help lists, console queues, home sections.

Hall lists show published posts only; the console's lists are policy-scoped to the
organizations the user administers (`policy.scoped`, "moderate").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from xiaoyou.community.models import (
    BoardMessage,
    BoardReply,
    BoardVisibility,
    CommunitySettings,
    HelpPost,
    HelpReply,
    ModerationStatus,
)
from xiaoyou.core import policy
from xiaoyou.organizations.models import Organization, Visibility

HOME_SECTION_SIZE = 5


def is_verified_alumnus(user: Any) -> bool:
    """认证校友: the account is linked to a live alumni record whose verification is "verified"
    (set by a certain claim match or an approved claim, alumni/services/claims.py). Cached on
    the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_community_verified", None)
    if cached is None:
        from xiaoyou.alumni.models import AlumniRecord, VerificationState

        cached = AlumniRecord.objects.filter(
            user_id=user.pk, deleted_at__isnull=True, verification=VerificationState.VERIFIED
        ).exists()
        user._community_verified = cached
    return bool(cached)


def settings_for(org: Organization) -> CommunitySettings:
    """The organization's community settings; unsaved defaults when it has none yet."""
    found = CommunitySettings.objects.filter(org=org).first()
    if found is None:
        found = CommunitySettings(org=org)
    found.org = org
    return found


# --- Message board ------------------------------------------------------------------------------


def _open_orgs() -> Q:
    return Q(org__is_active=True) & ~Q(org__visibility=Visibility.PRIVATE)


def board_public(org: Organization | None = None) -> QuerySet[BoardMessage]:
    """Published public messages (of one organization, or of every listed one), pinned first."""
    queryset = BoardMessage.objects.filter(
        status=ModerationStatus.PUBLISHED, visibility=BoardVisibility.PUBLIC
    ).select_related("org", "author")
    queryset = queryset.filter(org=org) if org is not None else queryset.filter(_open_orgs())
    return queryset.order_by("-is_pinned", "-created_at", "-id")


def board_by_author(user: Any) -> QuerySet[BoardMessage]:
    """我的留言: everything the user posted except what they or staff deleted."""
    return (
        BoardMessage.objects.filter(author_id=user.pk)
        .exclude(status=ModerationStatus.DELETED)
        .select_related("org")
        .order_by("-created_at", "-id")
    )


def board_message_for(user: Any, pk: int) -> BoardMessage | None:
    """A message the user may read in the hall (policy "view"), else None."""
    message = BoardMessage.objects.filter(pk=pk).select_related("org", "author").first()
    if message is None or not policy.can(user, "view", message):
        return None
    return message


def board_replies(message: BoardMessage, *, include_hidden: bool = False) -> QuerySet[BoardReply]:
    queryset = message.replies.select_related("author")
    return queryset if include_hidden else queryset.filter(is_hidden=False)


def board_console(user: Any) -> QuerySet[BoardMessage]:
    """Messages of the organizations the user moderates (deleted ones left out)."""
    return policy.scoped(
        BoardMessage.objects.exclude(status=ModerationStatus.DELETED), user, "moderate"
    ).select_related("org", "author")


def board_filter_unanswered(queryset: QuerySet[BoardMessage], value: Any) -> QuerySet[BoardMessage]:
    if value in ("1", "true", "yes", True):
        return queryset.filter(answered_at__isnull=True)
    if value in ("0", "false", "no", False):
        return queryset.filter(answered_at__isnull=False)
    return queryset


# --- Mutual help ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpFilters:
    kind: str = ""
    category: str = ""
    city: str = ""
    text: str = ""
    include_solved: bool = True


def help_public(filters: HelpFilters | None = None) -> QuerySet[HelpPost]:
    """Published mutual-help posts, open ones first, newest first, with the given filters."""
    filters = filters or HelpFilters()
    queryset = HelpPost.objects.filter(status=ModerationStatus.PUBLISHED, org__is_active=True)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.city:
        queryset = queryset.filter(city__icontains=filters.city)
    if filters.text:
        queryset = queryset.filter(
            Q(title__icontains=filters.text) | Q(body__icontains=filters.text)
        )
    if not filters.include_solved:
        queryset = queryset.filter(solved_at__isnull=True)
    # Open posts (no solved_at) first, then the newest.
    return queryset.select_related("author").order_by(
        F("solved_at").desc(nulls_first=True), "-created_at", "-id"
    )


def help_by_author(user: Any) -> QuerySet[HelpPost]:
    return (
        HelpPost.objects.filter(author_id=user.pk)
        .exclude(status=ModerationStatus.DELETED)
        .order_by("-created_at", "-id")
    )


def help_post_for(user: Any, pk: int) -> HelpPost | None:
    post = HelpPost.objects.filter(pk=pk).select_related("org", "author").first()
    if post is None or not policy.can(user, "view", post):
        return None
    return post


def help_replies(post: HelpPost, *, include_hidden: bool = False) -> QuerySet[HelpReply]:
    queryset = post.replies.select_related("author")
    return queryset if include_hidden else queryset.filter(is_hidden=False)


def help_console(user: Any) -> QuerySet[HelpPost]:
    return policy.scoped(
        HelpPost.objects.exclude(status=ModerationStatus.DELETED), user, "moderate"
    ).select_related("org", "author")


def help_console_detail(user: Any, pk: int) -> HelpPost | None:
    return (
        help_console(user)
        .prefetch_related(Prefetch("reports", to_attr="report_list"))
        .filter(pk=pk)
        .first()
    )


# --- Hall home ----------------------------------------------------------------------------------


def home_board_messages() -> list[BoardMessage]:
    """The 5 latest public messages of listed organizations: one query."""
    return list(board_public().order_by("-created_at", "-id")[:HOME_SECTION_SIZE])


def home_help_posts() -> list[HelpPost]:
    """The 5 latest open mutual-help posts: one query."""
    return list(help_public(HelpFilters(include_solved=False))[:HOME_SECTION_SIZE])
