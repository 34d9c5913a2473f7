"""The duplicates benchmark runs at its smoke size (10,000 records, SQLite) and prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_duplicates_benchmark_smoke_size_prints_its_figures(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_alumni_duplicates",
            "--smoke",
            "--db-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    assert figures["size"] == "smoke"
    assert figures["database"] == "sqlite"
    assert figures["records"] == 10_000
    assert figures["twins_planted"] == 200
    # Nearly every planted twin is found (a twin of a record without email cannot be).
    assert figures["twins_found"] >= 180
    assert figures["candidates"] >= figures["twins_found"]
    assert 0 < figures["seconds"] < 60
    assert 0 < figures["peak_memory_mb"] < 2048
