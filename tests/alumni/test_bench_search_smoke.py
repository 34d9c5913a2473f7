"""The alumni search benchmark runs at its smoke size (5,000 records, SQLite) and prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

QUERY_TYPES = {
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
}


def test_alumni_search_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_alumni_search", "--smoke"],
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
    assert figures["size"] == "smoke"
    assert figures["database"] == "sqlite"
    assert figures["records"] == 5000
    assert figures["generation"]["records_inserted"] == 5000
    assert figures["clients"] == 20
    assert figures["queries"] == 1000
    assert set(figures["by_type"]) == QUERY_TYPES
    assert sum(kind["n"] for kind in figures["by_type"].values()) == 1000
    overall = figures["overall"]
    assert 0 < overall["p50_ms"] <= overall["p95_ms"] <= overall["p99_ms"] <= overall["max_ms"]
