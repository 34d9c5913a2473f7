"""Duplicate-detection benchmark (issue 4): the time and peak memory of one full detection.

Generates N demo records of which about 2% are planted twins of an earlier record (same phone
and name; the traditional spelling of the name with the same birth date; same email; same
name, birth date and degree entry with another phone), then runs the detection
(xiaoyou.alumni.duplicates.duplicates_find) in a fresh child process, so its peak resident
memory is measured alone, and prints one JSON object: seconds, peak memory, candidates found,
planted twins found.

    .venv/bin/python -m bench.bench_alumni_duplicates --smoke      # 10,000 records (CI)
    .venv/bin/python -m bench.bench_alumni_duplicates              # 1,000,000 records (slow)
    .venv/bin/python -m bench.bench_alumni_duplicates --db-dir var/bench-dup --reuse

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a separate
database named bench_xiaoyou_duplicates (created by the script; never the configured one).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse, urlunparse

SIZES = {"smoke": 10_000, "full": 1_000_000}
BENCH_DATABASE = "bench_xiaoyou_duplicates"
TWIN_EVERY = 50  # one planted twin per 50 records
KINDS = ("phone", "traditional", "email", "degree")


def _prepare_postgres(url: str, fresh: bool) -> str:
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


def _setup(db_dir: str, *, fresh: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url and BENCH_DATABASE not in url:
        os.environ["DATABASE_URL"] = _prepare_postgres(url, fresh=fresh)
    elif not url:
        os.makedirs(db_dir, exist_ok=True)
        os.environ["XIAOYOU_VAR_DIR"] = db_dir
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path = os.path.join(db_dir, "xiaoyou.sqlite3" + suffix)
                if os.path.exists(path):
                    os.remove(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _traditional(name: str) -> str:
    from xiaoyou.alumni.duplicates import TRADITIONAL_TO_SIMPLIFIED

    back = {simple: traditional for traditional, simple in TRADITIONAL_TO_SIMPLIFIED.items()}
    return "".join(chr(back.get(ord(ch), ord(ch))) for ch in name)


def _generate(count: int) -> dict[str, float]:
    """Bulk-inserts `count` records (twins planted) unless they are there already."""
    from django.db import connection, transaction

    from xiaoyou.alumni.demo_data import DEPARTMENTS, generate_records
    from xiaoyou.alumni.models import AlumniRecord, Department
    from xiaoyou.alumni.models.departments import DepartmentKind
    from xiaoyou.alumni.names import name_keys
    from xiaoyou.organizations.models import Organization, OrganizationKind
    from xiaoyou.organizations.services import organization_create

    existing = AlumniRecord.objects.count()
    if existing >= count:
        return {"records_before": existing, "records_inserted": 0}
    AlumniRecord.objects.all().delete()
    root = Organization.objects.filter(parent__isnull=True, name="基准大学校友总会").first()
    if root is None:
        root = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
    departments = {}
    for spec in DEPARTMENTS:
        departments[spec.code], _created = Department.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "kind": DepartmentKind.COLLEGE}
        )
    rng = random.Random(5)
    started = time.perf_counter()
    batch: list[AlumniRecord] = []
    recent: list[AlumniRecord] = []
    inserted = 0
    planted = 0

    def add(record: AlumniRecord) -> None:
        record.name_pinyin, record.name_initials = name_keys(record.name)
        batch.append(record)

    def flush() -> None:
        nonlocal inserted
        with transaction.atomic():
            AlumniRecord.objects.bulk_create(batch, batch_size=2000)
        inserted += len(batch)
        batch.clear()

    specs = generate_records(count)
    index = 0
    while index < count:
        if index % TWIN_EVERY == TWIN_EVERY - 1 and recent:
            source = rng.choice(recent)
            kind = KINDS[planted % len(KINDS)]
            twin = AlumniRecord(
                org=root,
                name=source.name,
                gender=source.gender,
                department=source.department,
                enrollment_year=source.enrollment_year,
                graduation_year=source.graduation_year,
                # A twin's student number is unknown (a liaison's list, an old spreadsheet).
                student_id="",
                city=source.city,
                employer=source.employer,
            )
            if kind == "phone":
                twin.phone = source.phone
                twin.department, twin.enrollment_year = None, None
            elif kind == "traditional":
                twin.name = _traditional(source.name)
                twin.birth_date = source.birth_date
                twin.department, twin.enrollment_year = None, None
            elif kind == "email":
                twin.email = source.email
                twin.department, twin.enrollment_year = None, None
            else:
                twin.birth_date = source.birth_date
                twin.phone = f"13{rng.randint(0, 999_999_999):09d}"
            add(twin)
            planted += 1
        else:
            spec = next(specs)
            record = AlumniRecord(
                org=root,
                name=spec.name,
                gender=spec.gender,
                birth_date=spec.birth_date,
                student_id=spec.student_id,
                department=departments[spec.department_code],
                class_name=spec.class_name,
                degree_level=spec.degree_level,
                enrollment_year=spec.enrollment_year,
                graduation_year=spec.graduation_year,
                phone=spec.phone,
                email=spec.email,
                city=spec.city,
                employer=spec.employer,
            )
            add(record)
            recent.append(record)
            if len(recent) > 2000:
                recent = recent[-1000:]
        index += 1
        if len(batch) >= 10_000:
            flush()
    if batch:
        flush()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE" if connection.vendor == "sqlite" else "ANALYZE alumni_alumnirecord"
        )
    return {
        "records_inserted": inserted,
        "twins_planted": planted,
        "insert_seconds": round(elapsed, 1),
    }


def _detect() -> dict[str, object]:
    """Runs in the child: one detection over every record; prints its figures as JSON."""
    from xiaoyou.alumni.duplicates import duplicates_find
    from xiaoyou.alumni.models import AlumniRecord, DuplicateCandidate

    DuplicateCandidate.objects.all().delete()
    started = time.perf_counter()
    summary = duplicates_find()
    seconds = time.perf_counter() - started
    # Planted twins carry no student number; each was built from one earlier record.
    twin_ids = set(AlumniRecord.objects.filter(student_id="").values_list("pk", flat=True))
    found_twins = {
        pk
        for first, second in DuplicateCandidate.objects.values_list("first_id", "second_id")
        for pk in (first, second)
        if pk in twin_ids
    }
    return {
        "seconds": round(seconds, 2),
        "records": summary.records,
        "candidates": summary.created,
        "by_reason": summary.by_reason,
        "twins": len(twin_ids),
        "twins_found": len(found_twins),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="10,000 records (CI)")
    parser.add_argument("--records", type=int, help="a size of your own")
    parser.add_argument("--db-dir", help="SQLite directory (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep the records already there")
    parser.add_argument("--detect-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    count = args.records or SIZES[size]

    if args.detect_only:
        _setup(args.db_dir, fresh=False)
        print(json.dumps(_detect()))
        return

    db_dir = args.db_dir or tempfile.mkdtemp(prefix="xiaoyou-bench-duplicates-")
    database_url = os.environ.get("DATABASE_URL", "")
    _setup(db_dir, fresh=not args.reuse)
    _migrate()
    generation = _generate(count)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    child_env = dict(os.environ)
    if database_url:
        child_env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_alumni_duplicates",
            "--detect-only",
            "--db-dir",
            db_dir,
        ],
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(completed.returncode)
    detection = json.loads(completed.stdout.strip().splitlines()[-1])
    figures = {
        "benchmark": "alumni_duplicates",
        "size": size if not args.records else "custom",
        "database": vendor,
        "records": detection["records"],
        "generation": generation,
        "seconds": detection["seconds"],
        "peak_memory_mb": detection["peak_memory_mb"],
        "candidates": detection["candidates"],
        "by_reason": detection["by_reason"],
        "twins_planted": detection["twins"],
        "twins_found": detection["twins_found"],
        "targets": {"seconds": 300, "peak_memory_mb": 2048},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
