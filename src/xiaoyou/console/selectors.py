"""Reads for the console home page: the foundation's figures, latest to-dos and admin log.

Every figure is scoped to the organization chosen in the console (its whole subtree); a
platform operator working on the root organization sees the whole platform.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

from xiaoyou.console.context import current_org, in_current_org, pending_count
from xiaoyou.core.models import AuditEntry, ReviewItem
from xiaoyou.organizations.models import Organization, OrgRole


def week_start(now: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 of the current week, in the platform's time zone (Asia/Shanghai)."""
    local = timezone.localtime(now)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min))


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    """The first of the current month at 00:00, in the platform's time zone."""
    local = timezone.localtime(now)
    return timezone.make_aware(dt.datetime.combine(local.date().replace(day=1), dt.time.min))


def new_users_count(request: HttpRequest, since: dt.datetime) -> int:
    """Accounts created since `since`: all of them for a platform operator on the root
    organization, otherwise those holding a role in the current organization's subtree.
    """
    user_model = get_user_model()
    org = current_org(request)
    if org is None:
        return 0
    users = user_model.objects.filter(date_joined__gte=since)
    if not (request.user.is_superuser and org.parent_id is None):
        members = OrgRole.objects.filter(org__path__startswith=org.path).values("user_id")
        users = users.filter(pk__in=members)
    return users.count()


def new_users_this_week(request: HttpRequest) -> int:
    return new_users_count(request, week_start())


def new_users_this_month(request: HttpRequest) -> int:
    return new_users_count(request, month_start())


def organizations_count(request: HttpRequest) -> int:
    """Active organizations in the current organization's subtree (itself included)."""
    org = current_org(request)
    if org is None:
        return 0
    return Organization.objects.filter(path__startswith=org.path, is_active=True).count()


def pending_todos(request: HttpRequest) -> int:
    """The same number as the to-do badge (counted once per request)."""
    return pending_count(request) or 0


def latest_todos(request: HttpRequest, limit: int = 5) -> list[ReviewItem]:
    """The newest pending reviews the user may decide in the current organization."""
    try:
        from xiaoyou.core.reviews import pending_for
    except ImportError:  # the review queue is optional for the shell
        return []
    org = current_org(request)
    if org is None:
        return []
    return list(pending_for(request.user, org=org)[:limit])


def latest_audit_entries(request: HttpRequest, limit: int = 10) -> list[AuditEntry]:
    """The newest admin log entries the user may read, in the current organization."""
    from xiaoyou.core import policy

    queryset: Any = policy.scoped(AuditEntry.objects.all(), request.user, "view")
    return list(in_current_org(queryset, request).select_related("org").order_by("-id")[:limit])
