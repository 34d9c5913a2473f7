"""Who may do what in discovery.

Crawls, candidates and notable alumni belong to an organization: its admins (and the admins of
its ancestors) run crawls, review candidates and keep the notable alumni. Jobs are posted by
verified alumni; a job's poster and the organization's admins see its applications.
"""

from __future__ import annotations

from typing import Any

from xiaoyou.core import policy
from xiaoyou.discovery.models import CrawlRun, NotableAlumnus, NotableCandidate
from xiaoyou.organizations.models import Role


def register() -> None:
    policy.register(CrawlRun, "crawl", role=Role.ADMIN, org_field="org")
    policy.register(CrawlRun, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableCandidate, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableCandidate, "review", role=Role.ADMIN, org_field="org")
    policy.register(NotableAlumnus, "view", role=Role.ADMIN, org_field="org")
    policy.register(NotableAlumnus, "change", role=Role.ADMIN, org_field="org")


def may_crawl(user: Any, org: Any) -> bool:
    return org is not None and policy.can(user, "crawl", CrawlRun(org=org))
