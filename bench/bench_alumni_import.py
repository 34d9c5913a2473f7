"""Alumni import benchmark (issue 4): validated rows per second end to end, and peak memory.

Writes a registrar-style .xlsx of N rows (a title row, Chinese headers, five date formats,
phones with +86/spaces/dashes, full-width digits, about 2% bad rows and 1% repeated people),
then imports it the way the console does — upload (header detection, mapping), then the run
(streamed read, normalization, validation, upsert by student number in batches of 1,000 with
history rows) — and prints one JSON object.

    .venv/bin/python -m bench.bench_alumni_import --smoke     # 5,000 rows (CI)
    .venv/bin/python -m bench.bench_alumni_import             # 1,000,000 rows (slow)

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a separate
database named bench_xiaoyou_import (created by the script; never the configured database).
Target: >= 2,000 validated rows/s end to end, peak memory < 1 GB (ru_maxrss of the process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

SIZES = {"smoke": 5_000, "full": 1_000_000}
BENCH_DATABASE = "bench_xiaoyou_import"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞云志宇浩然子轩梓涵一诺欣怡雨晨思远博文"
DEPARTMENTS = [
    ("计算机学院", ["软件工程", "计算机科学与技术"]),
    ("经济学院", ["金融学", "国际贸易"]),
    ("外国语学院", ["英语", "日语"]),
]
HEADER = [
    "姓名",
    "学号",
    "性别",
    "出生日期",
    "院系",
    "专业",
    "学历",
    "入学年份",
    "毕业年份",
    "手机",
    "邮箱",
    "工作单位",
    "职务",
    "城市",
]


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _prepare_postgres(url: str) -> str:
    import psycopg

    parsed = urlparse(url)
    bench_url = urlunparse(parsed._replace(path="/" + BENCH_DATABASE))
    with psycopg.connect(url, autocommit=True) as admin:
        if admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone():
            admin.execute(f'DROP DATABASE "{BENCH_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return bench_url


def _setup(directory: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        os.environ["DATABASE_URL"] = _prepare_postgres(url)
        database = "postgresql"
    else:
        os.environ["XIAOYOU_VAR_DIR"] = directory
        database = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    os.environ["MEDIA_ROOT"] = str(Path(directory) / "media")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return database


def _birth(rng: random.Random, index: int) -> object:
    date = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    kind = index % 6
    if kind == 0:
        return dt.datetime(date.year, date.month, date.day)
    if kind == 1:
        return f"{date.year}.{date.month}"
    if kind == 2:
        return f"{date.year}年{date.month}月"
    if kind == 3:
        return f"{date.year}/{date.month}/{date.day}"
    if kind == 4:
        return int(date.strftime("%Y%m%d"))
    return (date - dt.date(1899, 12, 30)).days  # an Excel serial typed as a number


class _CsvSheet:
    """The same rows as a GBK csv (what Excel's "CSV" saves on a Chinese Windows)."""

    def __init__(self, path: Path) -> None:
        import csv

        self.handle = path.open("w", encoding="gb18030", newline="")
        self.writer = csv.writer(self.handle)

    def append(self, row: list[object]) -> None:
        self.writer.writerow(["" if value is None else value for value in row])

    def save(self, _path: Path) -> None:
        self.handle.close()


def write_file(path: Path, rows: int, seed: int = 11) -> dict[str, int]:
    """The spreadsheet to import; returns how many rows are meant to be rejected."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook: Any
    if path.suffix == ".csv":
        workbook = sheet = _CsvSheet(path)
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("名单")
    sheet.append(["示范大学历届毕业生信息（教务处导出）"])
    sheet.append([])
    sheet.append(HEADER)
    bad = repeated = 0
    previous_id, previous_bad = "", True
    for index in range(rows):
        college, majors = DEPARTMENTS[index % len(DEPARTMENTS)]
        enrolled = 1980 + index % 40
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        student_id = f"{enrolled}{index:08d}"
        phone = f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"
        phone_cell = (
            phone,
            f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}",
            f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        )[index % 3]
        roll = rng.random()
        is_bad = roll < 0.02
        if is_bad:
            phone_cell = "12345"  # rejected: not a mobile number
            bad += 1
        elif roll < 0.03 and not previous_bad:
            student_id = previous_id  # the previous row's person again
            repeated += 1
        previous_id, previous_bad = student_id, is_bad
        if index % 50 == 0:
            student_id = student_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        sheet.append(
            [
                name,
                student_id,
                "男" if index % 2 else "女",
                _birth(rng, index),
                college,
                majors[index % 2],
                ("本科", "硕士", "博士")[index % 7 % 3],
                enrolled,
                enrolled + 4,
                phone_cell,
                f"user{index}@example.com" if index % 4 else "",
                rng.choice(("华为", "腾讯", "阿里巴巴", "字节跳动", "中国银行", "")),
                rng.choice(("工程师", "经理", "教师", "")),
                rng.choice(("北京", "上海", "深圳", "杭州", "成都")),
            ]
        )
    workbook.save(path)
    return {"bad": bad, "repeated": repeated}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="5,000 rows (CI)")
    parser.add_argument("--rows", type=int, default=0, help="override the row count")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="file type")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    rows = args.rows or SIZES[size]
    directory = tempfile.mkdtemp(prefix="xiaoyou-bench-import-")
    database = _setup(directory)

    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoyou.accounts.models import User
    from xiaoyou.alumni.models import AlumniRecord, Department, Major, RecordChange
    from xiaoyou.alumni.services import importing
    from xiaoyou.organizations.models import OrganizationKind
    from xiaoyou.organizations.services import organization_create

    org = organization_create(actor=None, name="基准大学校友总会", kind=OrganizationKind.MAIN)
    actor = User.objects.create_superuser(username="bench", password="bench-import-only")
    for code, (college, majors) in enumerate(DEPARTMENTS):
        department = Department.objects.create(name=college, code=f"B{code}")
        for major in majors:
            Major.objects.create(department=department, name=major)

    path = Path(directory) / f"alumni.{args.format}"
    started = time.perf_counter()
    expected = write_file(path, rows)
    generation_s = time.perf_counter() - started
    size_mb = round(path.stat().st_size / 1024 / 1024, 1)

    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    cpu_started = time.process_time()
    # Upload as the console does (the upload is read from disk, not held in memory).
    with path.open("rb") as handle:
        upload = SimpleUploadedFile(path.name, b"")
        upload.file = handle  # type: ignore[assignment]
        upload.size = path.stat().st_size
        batch = importing.import_upload(org=org, actor=actor, upload=upload)
    upload_s = time.perf_counter() - started
    run_started = time.perf_counter()
    result = importing.import_run_now(batch=batch, actor=actor)
    run_s = time.perf_counter() - run_started
    total_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    traced_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()

    validated = result.total
    figures = {
        "benchmark": "alumni_import",
        "size": size,
        "database": database,
        "rows": rows,
        "format": args.format,
        "file_mb": size_mb,
        "generation_s": round(generation_s, 2),
        "upload_s": round(upload_s, 2),
        "import_s": round(run_s, 2),
        "end_to_end_s": round(total_s, 2),
        "rows_per_second": round(validated / total_s, 1),
        # CPU time of this process (SQLite runs inside it): the figure to compare when the
        # machine is shared, as wall time then includes waiting for a core.
        "cpu_s": round(cpu_s, 2),
        "rows_per_cpu_second": round(validated / cpu_s, 1) if cpu_s else None,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": len(result.rejected),
        "expected_bad": expected["bad"],
        "expected_repeated": expected["repeated"],
        "records_in_db": AlumniRecord.objects.count(),
        "history_rows": RecordChange.objects.count(),
        "peak_rss_mb": _rss_mb(),
        "peak_traced_mb": round(traced_peak / 1024 / 1024, 1) if traced_peak is not None else None,
        "target": {"rows_per_second": 2000, "peak_rss_mb": 1024},
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    figures["meets_target"] = figures["rows_per_second"] >= 2000 and figures["peak_rss_mb"] < 1024
    print(json.dumps(figures, ensure_ascii=False))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
