"""The alumni import benchmark runs at its smoke size (5,000 rows, SQLite) and prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_alumni_import_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_alumni_import", "--smoke"],
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
        "alumni_import",
        "smoke",
        "sqlite",
    )
    assert figures["rows"] == 5000
    # Every row is accounted for: the bad phones and the repeated people are the rejected ones.
    assert figures["created"] + figures["rejected"] == 5000
    assert figures["rejected"] == figures["expected_bad"] + figures["expected_repeated"]
    assert figures["records_in_db"] == figures["created"]
    assert figures["history_rows"] == figures["created"]
    assert figures["rows_per_second"] > 0
    assert 0 < figures["peak_rss_mb"] < 1024
