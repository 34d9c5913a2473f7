"""Alumni statistics benchmark (校友统计): time of each chart, uncached and cached.

Generates N records with the alumni search benchmark's generator (imported, not copied), gives
them provinces and countries from their cities (one UPDATE), then times every chart of the
statistics page — computed (uncached: p50/max over a few runs) and from the cache — for a
platform admin (the whole archive) and a college admin (their college's records), and the
page's own server time (the shell, which reads no record). Prints one JSON object, with the
process CPU time (time.process_time) next to the wall-clock time.

    .venv/bin/python -m bench.bench_alumni_stats --smoke        # 5,000 records (CI)
    .venv/bin/python -m bench.bench_alumni_stats                # 1,000,000 records (slow)
    .venv/bin/python -m bench.bench_alumni_stats --records 200000 --db-dir var/bench --reuse

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a separate
database named bench_xiaoyou_stats (created by the script; never the configured database).
`--explain` adds every chart's query plans to the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any

from bench import bench_alumni_search as search_bench

SIZES = {"smoke": 5_000, "full": 1_000_000}
RUNS = {"smoke": 3, "full": 3}

# Demo cities -> (province, country): the municipalities name the city as their province.
PLACES = {
    "北京": ("北京市", "中国"), "上海": ("上海市", "中国"), "天津": ("天津市", "中国"),
    "重庆": ("重庆市", "中国"), "深圳": ("广东省", "中国"), "广州": ("广东省", "中国"),
    "杭州": ("浙江省", "中国"), "南京": ("江苏省", "中国"), "苏州": ("江苏省", "中国"),
    "武汉": ("湖北省", "中国"), "成都": ("四川省", "中国"), "西安": ("陕西省", "中国"),
    "长沙": ("湖南省", "中国"), "合肥": ("安徽省", "中国"), "厦门": ("福建省", "中国"),
    "青岛": ("山东省", "中国"), "香港": ("香港特别行政区", "中国"), "纽约": ("", "美国"),
    "旧金山": ("", "美国"), "伦敦": ("", "英国"), "新加坡": ("", "新加坡"),
    "东京": ("", "日本"), "悉尼": ("", "澳大利亚"),
}  # fmt: skip


def _places() -> dict[str, Any]:
    """Provinces and countries from the cities, for records that have none yet (one UPDATE)."""
    from django.db import connection, transaction
    from django.db.models import Case, Value, When

    from xiaoyou.alumni.models import AlumniRecord

    started = time.perf_counter()
    todo = AlumniRecord.objects.filter(province="", country="").exclude(city="")
    with transaction.atomic():
        updated = todo.update(
            province=Case(
                *[When(city=city, then=Value(p)) for city, (p, _c) in PLACES.items()],
                default=Value(""),
            ),
            country=Case(
                *[When(city=city, then=Value(c)) for city, (_p, c) in PLACES.items()],
                default=Value(""),
            ),
        )
    if updated:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE alumni_alumnirecord" if connection.vendor == "postgresql" else "ANALYZE"
            )
    return {"records_placed": updated, "place_seconds": round(time.perf_counter() - started, 1)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _time(call: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _charts(user: Any, runs: int) -> dict[str, Any]:
    """Every chart of the page (and the Guangdong and Beijing drill-downs) for `user`."""
    from django.core.cache import cache

    from xiaoyou.alumni.selectors_stats import chart_keys
    from xiaoyou.alumni.selectors_stats_cache import cached_chart

    keys = [(key, {}) for key in chart_keys()]
    keys += [("city", {"province": "广东"}), ("city", {"province": "北京"})]
    out: dict[str, Any] = {}
    total_cold = total_cpu = 0.0
    for key, options in keys:
        name = key + (f":{options['province']}" if options else "")
        cold: list[float] = []
        cpu: list[float] = []
        for _run in range(runs):
            wall, used, chart = _time(
                lambda key=key, options=options: cached_chart(user, key, refresh=True, **options)
            )
            cold.append(wall)
            cpu.append(used)
        warm = [_time(lambda key=key, options=options: cached_chart(user, key, **options))[0]]
        warm += [_time(lambda key=key, options=options: cached_chart(user, key, **options))[0]]
        assert chart is not None and chart.extra["cached"] is False
        out[name] = {
            "uncached_p50_ms": _ms(statistics.median(cold)),
            "uncached_max_ms": _ms(max(cold)),
            "uncached_cpu_p50_ms": _ms(statistics.median(cpu)),
            "cached_max_ms": _ms(max(warm)),
            "groups": len(chart.labels),
        }
        if not options:
            total_cold += statistics.median(cold)
            total_cpu += statistics.median(cpu)
    # A cold page: every chart once from an empty cache, the charts of a pass sharing its scan.
    cache.clear()
    wall, used, _none = _time(lambda: [cached_chart(user, key) for key, _o in keys])
    cache.clear()
    slowest = max((value["uncached_p50_ms"], key) for key, value in out.items() if ":" not in key)
    return {
        "charts": out,
        # The page's charts load in parallel: the slowest bounds the wait on an idle server;
        # the sum is the server's work for one cold page.
        "all_charts_uncached_sum_ms": _ms(total_cold),
        "all_charts_uncached_cpu_ms": _ms(total_cpu),
        "cold_page_all_charts_ms": _ms(wall),
        "cold_page_all_charts_cpu_ms": _ms(used),
        "slowest_chart": {"chart": slowest[1], "uncached_p50_ms": slowest[0]},
        "records_in_scope": _records(user),
    }


def _records(user: Any) -> int:
    from xiaoyou.alumni.selectors_stats import stats_records

    return stats_records(user).count()


def _plans(user: Any) -> dict[str, list[str]]:
    """The database's plan of every record query of every chart (EXPLAIN QUERY PLAN on SQLite,
    EXPLAIN on PostgreSQL), to check the scans, indexes and joins."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoyou.alumni.selectors_stats import chart_keys, stats_chart

    plans: dict[str, list[str]] = {}
    keys = [(key, {}) for key in chart_keys()] + [("city", {"province": "北京"})]
    for key, options in keys:
        with CaptureQueriesContext(connection) as captured:
            stats_chart(user, key, **options)
        lines: list[str] = []
        for query in captured.captured_queries:
            if "alumni_alumnirecord" not in query["sql"]:
                continue
            prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                lines += [" | ".join(str(cell) for cell in row) for row in cursor.fetchall()]
            lines.append("--")
        plans[key] = lines
    return plans


def _page(admin: Any) -> dict[str, float]:
    """Server time of the page shell through the test client (no record is read)."""
    from allauth.mfa.models import Authenticator
    from django.test import Client
    from django.urls import reverse

    # Staff need a TOTP authenticator to use the console (as tests' console_login).
    Authenticator.objects.get_or_create(
        user=admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client = Client()
    client.force_login(admin)
    url = reverse("console:alumni_stats")
    samples = []
    for _run in range(5):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    data_url = reverse("console:alumni_stats_data")
    started = time.perf_counter()
    response = client.get(data_url, {"chart": "gender", "org": 0})
    cold = time.perf_counter() - started
    started = time.perf_counter()
    client.get(data_url, {"chart": "gender", "org": 0})
    warm = time.perf_counter() - started
    return {
        "shell_p50_ms": _ms(statistics.median(samples)),
        "shell_max_ms": _ms(max(samples)),
        "data_gender_uncached_ms": _ms(cold),
        "data_gender_cached_ms": _ms(warm),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="5,000 records (CI)")
    parser.add_argument("--records", type=int, default=0, help="override the record count")
    parser.add_argument("--runs", type=int, default=0, help="uncached runs per chart")
    parser.add_argument("--db-dir", default="", help="SQLite: keep the database here")
    parser.add_argument("--reuse", action="store_true", help="reuse generated records")
    parser.add_argument("--explain", action="store_true", help="add each chart's query plans")
    args = parser.parse_args()
    # A bench database of its own on PostgreSQL (the search benchmark's may be in use).
    search_bench.BENCH_DATABASE = "bench_xiaoyou_stats"
    size = "smoke" if args.smoke else "full"
    count = args.records or SIZES[size]
    runs = max(1, args.runs or RUNS[size])
    search_bench._setup(args)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started_cpu = time.process_time()
    figures: dict[str, Any] = {
        "benchmark": "alumni_stats",
        "size": size,
        "records": count,
        "database": connection.vendor,
        "runs": runs,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }
    figures["generation"] = search_bench._generate(count)
    figures["generation"].update(_places())
    admin, college_admin = search_bench._users()
    figures["platform_admin"] = _charts(admin, runs)
    figures["college_admin"] = _charts(college_admin, runs)
    # The charts' figures so far on stderr, in case the page step fails on a broken tree.
    json.dump(figures, sys.stderr, ensure_ascii=False)
    sys.stderr.write("\n")
    figures["page"] = _page(admin)
    if args.explain:
        figures["plans"] = {"platform_admin": _plans(admin), "college_admin": _plans(college_admin)}
    figures["cpu_seconds"] = round(time.process_time() - started_cpu, 1)
    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
