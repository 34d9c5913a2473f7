"""The notification benchmark at its smoke size: figures printed, one PAID entry per order, and
the slow payable callback (0.5 s) never inside the endpoint's latency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_payment_notify_benchmark_smoke():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_payment_notify", "--smoke"],
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
    assert figures["one_paid_entry_per_order"] is True
    assert figures["paid_entries"] == figures["orders"] == 60
    assert figures["statuses"] == {"204": 180, "400": 6}
    # The callback sleeps 0.5 s: had it run in the request, every notification would take more
    # than 500 ms, the median too (the median, not the p99: a loaded machine stretches a few
    # requests past it). The target (p99 <= 200 ms) is measured by the full run.
    assert figures["notify_ms_p50"] < figures["callback_seconds"] * 1000
