"""bench/bench_email.py at its smoke size (through SQLite) prints its JSON figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_email_benchmark_smoke_size_hands_off_every_message_once():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_email", "--smoke"],
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
    assert figures["database"] == "sqlite"
    assert figures["dkim"] is True
    assert figures["sent"] == figures["smtp_accepted"] == figures["messages"] == 300
    assert figures["smtp_distinct_recipients"] == 300
    assert figures["statuses"] == {"sent": 300}
    assert figures["campaign_status"] == "sent"
    assert figures["messages_per_hour"] > 0
    assert figures["worker_peak_rss_mb"][0] > 0
