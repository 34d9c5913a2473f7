"""The event rush benchmark at its smoke size (SQLite): figures printed, exactly the capacity
confirmed, nothing oversold, everyone else waitlisted and told at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_event_rush_benchmark_smoke():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_event_rush", "--smoke"],
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
    assert (figures["signups"], figures["seats"]) == (400, 50)
    assert figures["confirmed"] == figures["seats_taken"] == 50
    assert figures["seats_held_by_registrations"] == 50
    assert figures["oversold"] == 0
    assert figures["waitlisted"] == 350
    assert figures["refused"] == {} and figures["errors"] == 0
    for key in ("accepted_signups_per_second", "signup_ms_p50", "signup_ms_p95", "signup_ms_p99"):
        assert figures[key] > 0
