"""bench/bench_articles.py at its smoke size (through SQLite) prints its JSON figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"common_2char", "rare_2char", "phrase_3_4char", "two_terms", "latin_word", "no_hit"}


def test_articles_benchmark_smoke_size_prints_its_figures():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_articles", "--smoke"],
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
    generation = figures["generation"]
    assert generation["articles_inserted"] == 1000
    assert generation["index_build_seconds"] > 0
    assert set(figures["by_kind"]) == KINDS
    # The kinds are what they say: a common term is in most articles, a missing one in none.
    assert figures["mean_hits"]["common_2char"] > 500
    assert figures["mean_hits"]["no_hit"] == 0
    for summary in [figures["overall"], *figures["by_kind"].values()]:
        assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]
