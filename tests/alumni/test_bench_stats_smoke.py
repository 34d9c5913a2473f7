"""The alumni statistics benchmark runs at its smoke size (5,000 records, SQLite) and prints
JSON: every chart uncached and cached, for the platform and a college admin, and the page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

CHARTS = {
    "graduation_year",
    "enrollment_year",
    "college",
    "degree",
    "gender",
    "province",
    "country",
    "industry",
    "employer",
    "membership",
    "coverage",
    "city:广东",
    "city:北京",
}


def test_alumni_stats_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_alumni_stats", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(figures)
    assert (figures["benchmark"], figures["size"], figures["database"]) == (
        "alumni_stats",
        "smoke",
        "sqlite",
    )
    assert figures["records"] == 5000
    assert figures["generation"]["records_inserted"] == 5000
    assert figures["generation"]["records_placed"] > 4000
    platform_admin, college_admin = figures["platform_admin"], figures["college_admin"]
    assert platform_admin["records_in_scope"] == 5000
    assert 0 < college_admin["records_in_scope"] < 5000
    for scope in (platform_admin, college_admin):
        assert set(scope["charts"]) >= CHARTS
        for chart in scope["charts"].values():
            assert 0 < chart["uncached_p50_ms"] <= chart["uncached_max_ms"]
            assert chart["cached_max_ms"] >= 0
        cached = sum(chart["cached_max_ms"] for chart in scope["charts"].values())
        uncached = sum(chart["uncached_p50_ms"] for chart in scope["charts"].values())
        assert cached < uncached  # the cache is read, not recomputed
        assert scope["all_charts_uncached_sum_ms"] > 0
        # A cold page shares one scan per pass: less work than every chart on its own.
        assert scope["cold_page_all_charts_ms"] > 0
        assert scope["slowest_chart"]["chart"] in CHARTS
    assert platform_admin["charts"]["province"]["groups"] >= 10
    assert platform_admin["charts"]["city:北京"]["groups"] >= 1
    page = figures["page"]
    assert 0 < page["shell_p50_ms"] <= page["shell_max_ms"]
    assert page["data_gender_cached_ms"] > 0
    assert figures["cpu_seconds"] > 0
