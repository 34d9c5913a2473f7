"""Reads of discovery, always through the organization scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaoyou.core import policy
from xiaoyou.discovery.models import (
    CrawlLogEntry,
    CrawlRun,
    Enterprise,
    EnterpriseStatus,
    JobApplication,
    JobPosting,
    NewsItem,
    NotableAlumnus,
    NotableCandidate,
    PostingStatus,
    Visibility,
)


def crawl_runs_for(user: Any) -> QuerySet[CrawlRun]:
    """Crawl runs of the organizations `user` administers, with their job and organization."""
    return policy.scoped(CrawlRun.objects.select_related("org", "job", "started_by"), user, "view")


def crawl_log(run: CrawlRun, *, problems_only: bool = False) -> QuerySet[CrawlLogEntry]:
    entries = CrawlLogEntry.objects.filter(run=run)
    return entries.exclude(level="info") if problems_only else entries


def candidates_for(user: Any) -> QuerySet[NotableCandidate]:
    """Candidates `user` may review, with the matched record and its department."""
    return policy.scoped(
        NotableCandidate.objects.select_related("org", "matched_record__department"),
        user,
        "view",
    )


def notables_for(user: Any) -> QuerySet[NotableAlumnus]:
    return policy.scoped(
        NotableAlumnus.objects.select_related("org", "record", "department"), user, "view"
    )


def public_notables() -> QuerySet[NotableAlumnus]:
    """Notable alumni whose profile staff made public (the hall's 知名校友 page)."""
    return NotableAlumnus.objects.filter(visibility=Visibility.PUBLIC).select_related("department")


def job_board(
    *, text: str = "", city: str = "", industry: str = "", kind: str = ""
) -> QuerySet[JobPosting]:
    """Published jobs, newest first, narrowed by city, industry, type and a search text."""
    postings = JobPosting.objects.filter(status=PostingStatus.PUBLISHED)
    if city:
        postings = postings.filter(city__icontains=city)
    if industry:
        postings = postings.filter(industry__icontains=industry)
    if kind:
        postings = postings.filter(kind=kind)
    if text:
        postings = postings.filter(
            Q(title__icontains=text) | Q(company__icontains=text) | Q(description__icontains=text)
        )
    return postings.order_by("-published_at", "-id")


def postings_of(user: Any) -> QuerySet[JobPosting]:
    return (
        JobPosting.objects.filter(poster_id=user.pk)
        .annotate(application_count=Count("applications"))
        .order_by("-created_at", "-id")
    )


def applications_for(posting: JobPosting) -> QuerySet[JobApplication]:
    return JobApplication.objects.filter(posting=posting).select_related("applicant")


def enterprise_directory(
    *, text: str = "", city: str = "", industry: str = ""
) -> QuerySet[Enterprise]:
    """Published alumni enterprises with their alumni, narrowed by city, industry and name."""
    enterprises = Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED)
    if city:
        enterprises = enterprises.filter(city__icontains=city)
    if industry:
        enterprises = enterprises.filter(industry__icontains=industry)
    if text:
        enterprises = enterprises.filter(Q(name__icontains=text) | Q(description__icontains=text))
    return enterprises.prefetch_related("people").order_by("name", "id")


def enterprises_for(user: Any) -> QuerySet[Enterprise]:
    return policy.scoped(Enterprise.objects.select_related("org"), user, "view").prefetch_related(
        "people"
    )


def news_for(user: Any) -> QuerySet[NewsItem]:
    """News items of the organizations `user` administers (the staff digest)."""
    return policy.scoped(NewsItem.objects.select_related("org"), user, "view")
