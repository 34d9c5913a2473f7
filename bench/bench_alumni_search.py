"""Alumni search benchmark (issue 4): first-page latency of the search box and filters.

Generates N records in bulk (the demo generator), then runs at least 1,000 varied queries
(full names, 2-character names, pinyin, initials, fragments of phone/student number/employer,
combined filters, filters only, a college admin's scope) from 20 concurrent clients — separate
processes like web workers (or threads with --threads), each with its own database connection —
and prints one JSON object with p50/p95/p99 ms per
query type and overall.

    .venv/bin/python -m bench.bench_alumni_search --smoke      # 5,000 records (CI)
    .venv/bin/python -m bench.bench_alumni_search              # 1,000,000 records (slow)
    .venv/bin/python -m bench.bench_alumni_search --db-dir var/bench --reuse   # keep the data

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a separate
database named bench_xiaoyou (created by the script; never the configured database).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlparse, urlunparse

SIZES = {"smoke": 5_000, "full": 1_000_000}
QUERIES = {"smoke": 1_000, "full": 2_000}
CLIENTS = 20
CLIENTS_USED = [CLIENTS]
MODE = ["processes"]
BENCH_DATABASE = "bench_xiaoyou"


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return round(ordered[index], 2)


def _cpu_seconds() -> float:
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": _percentile(samples, 0.50),
        "p95_ms": _percentile(samples, 0.95),
        "p99_ms": _percentile(samples, 0.99),
        "max_ms": round(max(samples), 2),
    }


def _prepare_postgres(url: str, fresh: bool) -> str:
    """Creates the bench database next to the configured one; returns its URL."""
    import psycopg

    parsed = urlparse(url)
    bench_url = urlunparse(parsed._replace(path="/" + BENCH_DATABASE))
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{BENCH_DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return bench_url


def _setup(args: argparse.Namespace) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        os.environ["DATABASE_URL"] = _prepare_postgres(url, fresh=not args.reuse)
    else:
        directory = args.db_dir or tempfile.mkdtemp(prefix="xiaoyou-bench-search-")
        os.makedirs(directory, exist_ok=True)
        os.environ["XIAOYOU_VAR_DIR"] = directory
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                path = os.path.join(directory, "xiaoyou.sqlite3" + suffix)
                if os.path.exists(path):
                    os.remove(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()


def _generate(count: int) -> dict[str, float]:
    """Bulk-inserts `count` demo records (with search keys) unless they are there already."""
    from django.db import connection, transaction

    from xiaoyou.alumni.demo import industry_of
    from xiaoyou.alumni.demo_data import DEPARTMENTS, generate_records
    from xiaoyou.alumni.models import AlumniRecord, Department, Major
    from xiaoyou.alumni.models.departments import DepartmentKind
    from xiaoyou.alumni.services.search_keys import record_search_keys_fill
    from xiaoyou.organizations.models import Organization, OrganizationKind
    from xiaoyou.organizations.services import organization_create

    root = Organization.objects.filter(parent__isnull=True, name="基准大学校友总会").first()
    if root is None:
        root = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
    departments: dict[str, Department] = {}
    majors: dict[tuple[str, str], Major] = {}
    for spec in DEPARTMENTS:
        college_org = None
        if spec.has_association:
            college_org = Organization.objects.filter(parent=root, name=spec.name).first()
            if college_org is None:
                college_org = organization_create(
                    actor=None, name=spec.name, kind=OrganizationKind.COLLEGE, parent=root
                )
        department, _ = Department.objects.get_or_create(
            code=spec.code,
            defaults={"name": spec.name, "kind": DepartmentKind.COLLEGE, "org": college_org},
        )
        departments[spec.code] = department
        for major_name, _short in spec.majors:
            majors[(spec.code, major_name)], _ = Major.objects.get_or_create(
                department=department, name=major_name
            )
    existing = AlumniRecord.objects.count()
    figures: dict[str, float] = {"records_before": existing}
    if existing >= count:
        return figures
    rng = random.Random(7)
    started = time.perf_counter()
    batch: list[AlumniRecord] = []
    inserted = 0

    def flush() -> None:
        nonlocal inserted
        record_search_keys_fill(batch)
        with transaction.atomic():
            AlumniRecord.objects.bulk_create(batch, batch_size=2000)
        inserted += len(batch)
        batch.clear()

    for index, spec in enumerate(generate_records(count)):
        if index < existing:
            continue
        batch.append(
            AlumniRecord(
                org=root,
                name=spec.name,
                gender=spec.gender,
                birth_date=spec.birth_date,
                student_id=spec.student_id,
                department=departments[spec.department_code],
                major=majors[(spec.department_code, spec.major_name)],
                class_name=spec.class_name,
                degree_level=spec.degree_level,
                enrollment_year=spec.enrollment_year,
                graduation_year=spec.graduation_year,
                phone=spec.phone,
                email=spec.email,
                city=spec.city,
                employer=spec.employer,
                industry=industry_of(spec.employer),
                is_key_alumnus=rng.random() < 0.01,
            )
        )
        if len(batch) >= 10_000:
            flush()
    if batch:
        flush()
    elapsed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alumni_alumnirecord")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures["records_inserted"] = inserted
    figures["insert_seconds"] = round(elapsed, 1)
    figures["insert_per_second"] = round(inserted / max(elapsed, 1e-9), 1)
    return figures


def _queries(total: int) -> list[tuple[str, str, dict]]:
    """Varied queries drawn from the stored records: (type, text, filters)."""
    from xiaoyou.alumni.models import AlumniRecord, Department

    rng = random.Random(11)
    max_pk = AlumniRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample_ids = [rng.randint(1, max_pk) for _ in range(600)]
    sample = list(
        AlumniRecord.objects.filter(pk__in=sample_ids).values(
            "name",
            "name_pinyin",
            "name_initials",
            "phone",
            "student_id",
            "employer",
            "city",
            "department_id",
            "graduation_year",
        )
    )
    departments = list(Department.objects.values_list("pk", flat=True))
    two_char = [row for row in sample if len(row["name"]) == 2] or sample
    kinds = (
        "name_full",
        "name_2char",
        "name_fragment",
        "pinyin",
        "initials",
        "phone_or_id_fragment",
        "employer_fragment",
        "combined_filters",
        "filters_only",
        "scoped_college_admin",
    )
    queries: list[tuple[str, str, dict]] = []
    for index in range(total):
        kind = kinds[index % len(kinds)]
        row = rng.choice(sample)
        filters: dict = {}
        if kind == "name_full":
            text = row["name"]
        elif kind == "name_2char":
            text = rng.choice(two_char)["name"][:2]
        elif kind == "name_fragment":
            name = row["name"]
            text = name[1:] if len(name) >= 3 else name
        elif kind == "pinyin":
            pinyin = row["name_pinyin"]
            text = pinyin if rng.random() < 0.6 else pinyin[: max(4, len(pinyin) - 2)]
        elif kind == "initials":
            text = row["name_initials"]
        elif kind == "phone_or_id_fragment":
            source = row["phone"][-8:] if rng.random() < 0.5 else row["student_id"]
            start = rng.randint(0, max(0, len(source) - 6))
            text = source[start : start + 6]
        elif kind == "employer_fragment":
            employer = row["employer"] or "华为技术有限公司"
            start = rng.randint(0, max(0, len(employer) - 4))
            text = employer[start : start + 4]
        elif kind == "combined_filters":
            text = rng.choice([row["name_initials"], row["name"][:2], row["name_pinyin"]])
            year = row["graduation_year"] or 2010
            filters = {
                "department": row["department_id"],
                "graduation_year_min": year - 3,
                "graduation_year_max": year + 3,
            }
        elif kind == "filters_only":
            text = ""
            year = rng.randint(1985, 2024)
            filters = {
                "department": rng.choice(departments),
                "graduation_year_min": year,
                "graduation_year_max": year + 2,
                "degree_level": rng.choice(["", "bachelor", "master"]),
            }
        else:
            text = rng.choice([row["name"], row["name_initials"], row["name"][:2]])
        queries.append((kind, text, filters))
    return queries


def _users():
    from xiaoyou.accounts.models import User
    from xiaoyou.alumni.models import Department
    from xiaoyou.organizations.models import OrgRole, Role
    from xiaoyou.organizations.services import role_grant

    admin, _ = User.objects.get_or_create(
        username="bench-search-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    college_admin, _ = User.objects.get_or_create(
        username="bench-college-admin", defaults={"is_staff": True}
    )
    college = Department.objects.filter(org__isnull=False).select_related("org").first()
    if (
        college is not None
        and not OrgRole.objects.filter(
            user=college_admin, org=college.org, role=Role.ADMIN
        ).exists()
    ):
        role_grant(actor=None, user=college_admin, org=college.org, role=Role.ADMIN)
    return admin, college_admin


def _client(
    number: int,
    clients: int,
    queries: list[tuple[str, str, dict]],
    user_ids: tuple[int, int],
    barrier: Any,
) -> list[tuple[str, float, str, dict]]:
    """One client: its share of the queries, timed one after the other."""
    from django.db import connections

    from xiaoyou.accounts.models import User
    from xiaoyou.alumni.selectors_search import SearchFilters, search_records

    try:
        # Each client its own users (role caches live on the user) and its own connection.
        users = {
            "admin": User.objects.get(pk=user_ids[0]),
            "college": User.objects.get(pk=user_ids[1]),
        }
        timings: list[tuple[str, float, str, dict]] = []
        barrier.wait()
        for kind, text, filters in queries[number::clients]:
            user = users["college" if kind == "scoped_college_admin" else "admin"]
            started = time.perf_counter()
            result = search_records(
                user=user, text=text, filters=SearchFilters(**filters), page_size=20
            )
            timings.append((kind, (time.perf_counter() - started) * 1000, text, filters))
            assert result.page == 1
        return timings
    finally:
        connections.close_all()


def _process_client(number, clients, queries, user_ids, barrier, out) -> None:  # type: ignore[no-untyped-def]
    out.put(_client(number, clients, queries, user_ids, barrier))


def _run(queries: list[tuple[str, str, dict]]) -> tuple[dict, list]:
    """Runs the queries from CLIENTS_USED concurrent clients: separate processes (as web
    workers are: no shared interpreter lock) unless --threads."""
    from django.db import connections

    admin, college_admin = _users()
    user_ids = (admin.pk, college_admin.pk)
    clients = CLIENTS_USED[0]
    timings: list[tuple[str, float, str, dict]] = []
    if MODE[0] == "threads":
        barrier: Any = threading.Barrier(clients)
        lock = threading.Lock()
        errors: list[BaseException] = []

        def client(number: int) -> None:
            try:
                mine = _client(number, clients, queries, user_ids, barrier)
                with lock:
                    timings.extend(mine)
            except BaseException as error:  # reported after the threads end
                errors.append(error)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
    else:
        import multiprocessing

        connections.close_all()  # never share a connection with the children
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(clients)
        out = context.Queue()
        processes = [
            context.Process(
                target=_process_client, args=(n, clients, queries, user_ids, barrier, out)
            )
            for n in range(clients)
        ]
        for process in processes:
            process.start()
        for _ in processes:
            timings.extend(out.get())
        for process in processes:
            process.join()
            if process.exitcode:
                raise RuntimeError(f"a client process failed ({process.exitcode})")
    samples: dict[str, list[float]] = defaultdict(list)
    for kind, elapsed, _text, _filters in timings:
        samples[kind].append(elapsed)
    slowest = sorted(
        ((elapsed, kind, text, filters) for kind, elapsed, text, filters in timings),
        key=lambda item: -item[0],
    )
    return samples, slowest[:5]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="5,000 records (CI)")
    parser.add_argument("--records", type=int, default=0, help="override the record count")
    parser.add_argument("--queries", type=int, default=0, help="override the query count")
    parser.add_argument("--db-dir", default="", help="SQLite: keep the database here")
    parser.add_argument("--reuse", action="store_true", help="reuse generated records")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients")
    parser.add_argument("--generate-only", action="store_true", help="stop after the records")
    parser.add_argument(
        "--threads", action="store_true", help="clients as threads of one process, not processes"
    )
    args = parser.parse_args()
    CLIENTS_USED[0] = max(1, args.clients)
    MODE[0] = "threads" if args.threads else "processes"
    size = "smoke" if args.smoke else "full"
    count = args.records or SIZES[size]
    total_queries = max(1000, args.queries or QUERIES[size])
    _setup(args)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    figures: dict[str, object] = {
        "benchmark": "alumni_search",
        "size": size,
        "records": count,
        "database": connection.vendor,
        "clients": CLIENTS_USED[0],
        "client_mode": MODE[0],
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    figures["generation"] = _generate(count)
    if args.generate_only:
        json.dump(figures, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    queries = _queries(total_queries)
    # One warm-up pass over a slice (page cache, prepared plans), not measured.
    _run(queries[: CLIENTS_USED[0] * 5])
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    samples, slowest = _run(queries)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    everything = [value for values in samples.values() for value in values]
    figures["queries"] = len(everything)
    # CPU of the clients (with SQLite, the database work too; PostgreSQL's own is not counted):
    # what one query costs whatever else the machine is doing.
    figures["client_cpu_ms_per_query"] = round(cpu * 1000 / max(1, len(everything)), 2)
    figures["queries_per_second"] = round(len(everything) / elapsed, 1)
    figures["overall"] = _summary(everything)
    figures["by_type"] = {kind: _summary(values) for kind, values in sorted(samples.items())}
    figures["slowest"] = [
        {"ms": round(ms, 1), "type": kind, "text": text, "filters": filters}
        for ms, kind, text, filters in slowest
    ]
    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
