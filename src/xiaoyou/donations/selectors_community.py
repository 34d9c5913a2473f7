"""Reads of beneficiaries' posts (捐赠人与受益人的社交圈)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from xiaoyou.donations.models import BeneficiaryPost, DonationProject, PostReply, PostStatus


def published_posts(project: DonationProject) -> QuerySet[BeneficiaryPost]:
    """The project's published posts, newest first, with their authors (one query)."""
    return (
        BeneficiaryPost.objects.filter(project=project, status=PostStatus.PUBLISHED)
        .select_related("author")
        .order_by("-published_at", "-id")
    )


def published_posts_with_replies(
    project: DonationProject, *, limit: int = 20
) -> list[BeneficiaryPost]:
    """The latest published posts, each with its published replies (oldest first) and their
    authors in `post.published_replies` (two queries)."""
    replies = (
        PostReply.objects.filter(status=PostStatus.PUBLISHED)
        .select_related("author")
        .order_by("published_at", "id")
    )
    return list(
        published_posts(project).prefetch_related(
            Prefetch("replies", queryset=replies, to_attr="published_replies")
        )[:limit]
    )


def posts_of_author(project: DonationProject, user: Any) -> QuerySet[BeneficiaryPost]:
    """The author's own posts of the project, whatever their status (they see what waits)."""
    return BeneficiaryPost.objects.filter(project=project, author=user)


def posts_for_donor(user: Any, *, limit: int = 10) -> list[BeneficiaryPost]:
    """我的捐赠: the latest published posts of the projects the user gave to (a paid gift), with
    their project and author (one query)."""
    from xiaoyou.donations.models import Donation, DonationStatus

    given = Donation.objects.filter(user=user, status=DonationStatus.PAID).values("project_id")
    return list(
        BeneficiaryPost.objects.filter(project_id__in=given, status=PostStatus.PUBLISHED)
        .select_related("project", "author")
        .order_by("-published_at", "-id")[:limit]
    )
