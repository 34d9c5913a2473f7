"""Who may do what in discovery.

Crawls, candidates and notable alumni belong to an organization: its admins (and the admins of
its ancestors) run crawls, review candidates and keep the notable alumni. Jobs are posted by
verified alumni; a job's poster and the organization's admins see its applications.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy
from xiaoyou.discovery.models import (
    CrawlRun,
    Enterprise,
    JobPosting,
    NewsItem,
    NotableAlumnus,
    NotableCandidate,
    PostingStatus,
)
from xiaoyou.organizations.models import Role


def register() -> None:
    policy.register(CrawlRun, "crawl", role=Role.ADMIN, org_field="org")
    policy.register(CrawlRun, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableCandidate, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableCandidate, "review", role=Role.ADMIN, org_field="org")
    policy.register(NotableAlumnus, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableAlumnus, "change", role=Role.ADMIN, org_field="org")
    policy.register(Enterprise, "view", role=Role.ADMIN, org_field="org")
    policy.register(NewsItem, "view", role=Role.ADMIN, org_field="org")
    register_jobs()


def is_verified_alumnus(user: Any) -> bool:
    from xiaoyou.community.selectors import is_verified_alumnus as verified

    return verified(user)


def _moderates(user: Any, org: Any) -> bool:
    from xiaoyou.organizations.selectors import has_role

    return org is not None and has_role(user, org, Role.ADMIN)


def _may_post(user: Any, posting: JobPosting) -> bool:
    return is_verified_alumnus(user)


def _may_view_posting(user: Any, posting: JobPosting) -> bool:
    if posting.status == PostingStatus.PUBLISHED:
        return True
    return posting.poster_id == getattr(user, "pk", None) or _moderates(user, posting.org)


def _may_manage(user: Any, posting: JobPosting) -> bool:
    return posting.poster_id == getattr(user, "pk", None) or _moderates(user, posting.org)


def _may_apply(user: Any, posting: JobPosting) -> bool:
    return posting.status == PostingStatus.PUBLISHED and posting.poster_id != user.pk


def register_jobs() -> None:
    policy.register(JobPosting, "post", role=None, org_field="", check=_may_post)
    policy.register(JobPosting, "view", role=None, org_field="", check=_may_view_posting)
    # The poster and the organization's admins see the applications and close the job.
    policy.register(JobPosting, "manage", role=None, org_field="", check=_may_manage)
    policy.register(JobPosting, "apply", role=None, org_field="", check=_may_apply)


def may_crawl(user: Any, org: Any) -> bool:
    return org is not None and policy.can(user, "crawl", CrawlRun(org=org))
