"""The benchmarks under bench/ run at their smoke size in CI and print their JSON figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_foundation_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_foundation", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(figures)
    assert figures["size"] == "smoke"
    assert figures["scoped_subtree_size"] == 10  # college 0 and its 9 clubs of the 40-org tree
    for key in (
        "audit_append_per_second",
        "audit_verify_entries_per_second",
        "hall_home_ms_p95",
        "api_organizations_ms_p95",
    ):
        assert figures[key] > 0, key
