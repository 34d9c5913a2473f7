"""Foundation benchmark: audit append and verify, scoped reads, hall home and API latency.

Prints one JSON object. Sizes: `--smoke` (CI, seconds) or the default full size.
Runs on a private SQLite database in a temporary directory unless DATABASE_URL is set.

    .venv/bin/python -m bench.bench_foundation [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

SIZES = {
    # name: (organizations, audit entries, requests per endpoint)
    "smoke": (40, 300, 20),
    "full": (2000, 20000, 200),  # slow: minutes; not run in CI
}


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def _timed(samples: list[float], call) -> object:
    started = time.perf_counter()
    result = call()
    samples.append((time.perf_counter() - started) * 1000)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="the small size CI runs")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    organizations, entries, requests = SIZES[size]

    if not os.environ.get("DATABASE_URL"):
        os.environ["XIAOYOU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiaoyou-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from xiaoyou.accounts.models import User
    from xiaoyou.api.services import api_token_create
    from xiaoyou.core import audit, policy
    from xiaoyou.organizations.models import Organization, OrganizationKind, Role
    from xiaoyou.organizations.services import organization_create, role_grant

    figures: dict[str, object] = {"size": size, "database": connection.vendor}

    # Organization tree: a root, colleges, and clubs under the colleges.
    root = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
    colleges = [
        organization_create(actor=None, name=f"学院{i}", kind=OrganizationKind.COLLEGE, parent=root)
        for i in range(max(2, organizations // 10))
    ]
    index = 0
    while Organization.objects.count() < organizations:
        parent = colleges[index % len(colleges)]
        organization_create(
            actor=None, name=f"俱乐部{index}", kind=OrganizationKind.CLUB, parent=parent
        )
        index += 1
    admin = User.objects.create_user(
        username="bench-admin", password="bench-password-123", is_staff=True
    )
    role_grant(actor=None, user=admin, org=colleges[0], role=Role.ADMIN)

    # Audit: append throughput (one transaction per entry, as services do) and verification.
    started = time.perf_counter()
    for number in range(entries):
        with transaction.atomic():
            audit.record(
                actor=admin,
                action="bench.write",
                obj=colleges[number % len(colleges)],
                changes={"n": [number, number + 1]},
            )
    elapsed = time.perf_counter() - started
    figures["audit_append_per_second"] = round(entries / elapsed, 1)
    started = time.perf_counter()
    result = audit.verify_chain()
    figures["audit_verify_seconds"] = round(time.perf_counter() - started, 3)
    figures["audit_verify_entries_per_second"] = round(
        result.checked / max(1e-9, time.perf_counter() - started), 1
    )
    assert result.ok, result

    # Scoped read: the college admin's organizations (subtree filter on the materialized path).
    samples: list[float] = []
    for _ in range(requests):
        admin_fresh = User.objects.get(pk=admin.pk)
        count = _timed(
            samples,
            lambda user=admin_fresh: policy.scoped(
                Organization.objects.all(), user, "change"
            ).count(),
        )
    figures["scoped_subtree_size"] = count
    figures["scoped_count_ms_p95"] = round(_percentile(samples, 0.95), 2)

    client = Client()
    # Hall home, anonymous.
    samples = []
    for _ in range(requests):
        response = _timed(samples, lambda: client.get("/"))
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    figures["hall_home_ms_p50"] = round(statistics.median(samples), 2)
    figures["hall_home_ms_p95"] = round(_percentile(samples, 0.95), 2)
    figures["hall_home_queries"] = len(queries)

    # API: the admin's organization list with a bearer token.
    _token, secret = api_token_create(actor=admin, user=admin, name="bench")
    headers = {"Authorization": f"Bearer {secret}"}
    samples = []
    for _ in range(requests):
        response = _timed(samples, lambda: client.get("/api/v1/organizations", headers=headers))
        assert response.status_code == 200, response.content
    figures["api_organizations_ms_p50"] = round(statistics.median(samples), 2)
    figures["api_organizations_ms_p95"] = round(_percentile(samples, 0.95), 2)
    reset_queries()

    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
