"""bench/bench_faces.py at its smoke size (and through SQLite) prints its JSON figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_faces_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_faces", "--smoke", "--with-db"],
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
    assert figures["scale"] == "smoke"
    assert figures["indexing"]["photos"] == 3
    assert figures["indexing"]["faces"] >= 3
    assert figures["indexing"]["photos_per_minute"] > 0
    assert figures["indexing"]["camera_12mp_photos_per_minute"] > 0
    search = figures["search"]
    assert search["stored_encodings"] == 2000
    assert search["load_from_db_seconds"] is not None
    # Every query is a stored face (or one with a little noise): each finds at least itself.
    assert search["mean_hits"] >= 1
    assert 0 < search["p50_ms"] <= search["p95_ms"] <= search["p99_ms"]
