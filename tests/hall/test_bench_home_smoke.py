"""The hall home benchmark runs at its smoke size (5,000 records, SQLite) and prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_hall_home_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_hall_home", "--smoke"],
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
    assert figures["records_in_database"] == 5000
    assert figures["generation"]["members_inserted"] == 2000
    assert figures["requests"] == 100
    for visitor in ("anonymous", "signed_in_member"):
        measured = figures[visitor]
        assert "recent_members" in measured["sections"]
        assert 0 <= measured["queries_warm"] <= measured["queries_cold"]
        for kind in ("server_ms", "cpu_ms"):
            summary = measured[kind]
            assert summary["n"] == 100
            assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]
    # Everything a visitor from the internet sees is cached: no query on a warm request.
    assert figures["anonymous"]["queries_warm"] == 0
    assert {"community_board", "community_help"} <= set(figures["signed_in_member"]["sections"])
