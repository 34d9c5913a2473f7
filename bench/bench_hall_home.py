"""Hall home benchmark (issue 5): server time and query count of the home page (首页).

Builds (or reuses) the alumni benchmark database — the records come from
bench_alumni_search's generator — plus registered members of the main association and
community posts, then requests "/" through Django's test Client, as an anonymous visitor and
as a signed-in member of the main association, and prints one JSON object: p50/p95/p99 server
time (wall and CPU), the number of queries of a warm and of a cold request (nothing cached).

    .venv/bin/python -m bench.bench_hall_home --smoke                 # 5,000 records (CI)
    .venv/bin/python -m bench.bench_hall_home --db-dir var/bench-home --reuse   # 1,000,000

SQLite in a temporary directory by default (--db-dir keeps it); with DATABASE_URL set,
PostgreSQL on the separate bench database (see bench_alumni_search).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time

from bench.bench_alumni_search import _generate, _setup, _summary

SIZES = {"smoke": 5_000, "full": 1_000_000}
MEMBERS = {"smoke": 2_000, "full": 200_000}
POSTS = {"smoke": 50, "full": 5_000}
REQUESTS = {"smoke": 100, "full": 1_000}
BENCH_USER_PREFIX = "bench-home-member-"
MEMBER_USERNAME = "bench-home-alumnus"


def _root():
    from xiaoyou.organizations.selectors import root_organization

    root = root_organization()
    assert root is not None, "the record generator creates the main association"
    return root


def _members(count: int) -> dict[str, float]:
    """Users with active memberships of the main association, in bulk, up to `count`."""
    from django.db import transaction
    from django.utils import timezone

    from xiaoyou.accounts.models import User
    from xiaoyou.organizations.models import Membership, MembershipStatus, OrgRole, Role

    root = _root()
    existing = Membership.objects.filter(org=root, user__username__startswith=BENCH_USER_PREFIX)
    have = existing.count()
    figures: dict[str, float] = {"members_before": have}
    if have >= count:
        return figures
    started = time.perf_counter()
    now = timezone.now()
    batch_size = 5_000
    for first in range(have, count, batch_size):
        numbers = range(first, min(count, first + batch_size))
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{BENCH_USER_PREFIX}{number}",
                        display_name=f"校友{number}",
                        password="!unusable",
                    )
                    for number in numbers
                ]
            )
            if not all(user.pk for user in users):  # backends that return no ids
                users = list(
                    User.objects.filter(
                        username__in=[f"{BENCH_USER_PREFIX}{number}" for number in numbers]
                    )
                )
            Membership.objects.bulk_create(
                [
                    Membership(
                        org=root,
                        user=user,
                        name=user.display_name,
                        status=MembershipStatus.ACTIVE,
                        joined_at=now - dt.timedelta(minutes=count - index - first),
                    )
                    for index, user in enumerate(users)
                ]
            )
            OrgRole.objects.bulk_create(
                [OrgRole(user=user, org=root, role=Role.MEMBER) for user in users]
            )
    figures["members_inserted"] = count - have
    figures["members_seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _posts(count: int) -> dict[str, float]:
    """Published board messages and open mutual-help posts of the main association."""
    from django.utils import timezone

    from xiaoyou.accounts.models import User
    from xiaoyou.community.models import (
        BoardMessage,
        BoardVisibility,
        ContactPreference,
        HelpCategory,
        HelpKind,
        HelpPost,
        ModerationStatus,
    )

    root = _root()
    have = BoardMessage.objects.filter(org=root).count()
    if have >= count:
        return {"posts_before": have}
    authors = list(User.objects.filter(username__startswith=BENCH_USER_PREFIX)[:100])
    now = timezone.now()
    BoardMessage.objects.bulk_create(
        [
            BoardMessage(
                org=root,
                author=authors[number % len(authors)],
                visibility=BoardVisibility.PUBLIC,
                title=f"留言{number}",
                body="请问校友卡怎么办理？",
                status=ModerationStatus.PUBLISHED,
                published_at=now,
            )
            for number in range(have, count)
        ],
        batch_size=2_000,
    )
    HelpPost.objects.bulk_create(
        [
            HelpPost(
                org=root,
                author=authors[number % len(authors)],
                kind=HelpKind.REQUEST,
                category=HelpCategory.HOUSING,
                city="上海",
                title=f"求助{number}",
                body="刚到上海工作，想找校友合租。",
                contact_preference=ContactPreference.REPLY_ONLY,
                status=ModerationStatus.PUBLISHED,
                published_at=now,
            )
            for number in range(have, count)
        ],
        batch_size=2_000,
    )
    return {"posts_before": have, "posts_inserted": count - have}


def _signed_in_member():
    """A member of the main association (through the service, so the role rows are real)."""
    from xiaoyou.accounts.models import User
    from xiaoyou.organizations.services import membership_activate

    user, created = User.objects.get_or_create(
        username=MEMBER_USERNAME, defaults={"display_name": "基准校友"}
    )
    if created:
        membership_activate(actor=None, org=_root(), user=user, source="application")
    return user


def _measure(client, requests: int) -> dict[str, object]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm-up: templates, caches, the database's pages
        assert client.get("/").status_code == 200
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get("/")
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    cache.clear()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    cold_ms = (time.perf_counter() - started) * 1000
    return {
        "server_ms": _summary(wall),
        "cpu_ms": _summary(cpu),
        "queries_warm": len(warm.captured_queries),
        "queries_cold": len(cold.captured_queries),
        "cold_request_ms": round(cold_ms, 2),
        "sections": sorted(set(_sections(response.content.decode()))),
    }


def _sections(html: str) -> list[str]:
    import re

    return re.findall(r'data-section="([^"]+)"', html)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="5,000 records (CI)")
    parser.add_argument("--records", type=int, default=0, help="override the record count")
    parser.add_argument("--members", type=int, default=0, help="override the member count")
    parser.add_argument("--posts", type=int, default=0, help="override the community posts")
    parser.add_argument("--requests", type=int, default=0, help="requests per visitor kind")
    parser.add_argument("--db-dir", default="", help="SQLite: keep the database here")
    parser.add_argument("--reuse", action="store_true", help="reuse generated data")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    _setup(args)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    records = args.records or SIZES[size]
    figures: dict[str, object] = {
        "benchmark": "hall_home",
        "size": size,
        "records": records,
        "database": connection.vendor,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    generation: dict[str, object] = dict(_generate(records))
    generation.update(_members(args.members or MEMBERS[size]))
    generation.update(_posts(args.posts or POSTS[size]))
    figures["generation"] = generation
    from xiaoyou.alumni.models import AlumniRecord
    from xiaoyou.organizations.models import Membership

    figures["records_in_database"] = AlumniRecord.objects.count()
    figures["memberships_in_database"] = Membership.objects.count()
    requests = args.requests or REQUESTS[size]
    figures["requests"] = requests
    anonymous = Client()
    member = Client()
    member.force_login(_signed_in_member())
    figures["anonymous"] = _measure(anonymous, requests)
    figures["signed_in_member"] = _measure(member, requests)
    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
