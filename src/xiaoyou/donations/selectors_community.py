"""Reads of beneficiaries' posts (捐赠人与受益人的社交圈)."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaoyou.donations.models import BeneficiaryPost, DonationProject, PostStatus


def published_posts(project: DonationProject) -> QuerySet[BeneficiaryPost]:
    """The project's published posts, newest first, with their authors (one query)."""
    return (
        BeneficiaryPost.objects.filter(project=project, status=PostStatus.PUBLISHED)
        .select_related("author")
        .order_by("-published_at", "-id")
    )


def posts_of_author(project: DonationProject, user: object) -> QuerySet[BeneficiaryPost]:
    """The author's own posts of the project, whatever their status (they see what waits)."""
    return BeneficiaryPost.objects.filter(project=project, author_id=getattr(user, "pk", None))
