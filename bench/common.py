"""What the benchmarks share: percentiles, a fresh PostgreSQL bench database, and the CPU
the machine and its database and cache servers spent (the machine is shared, so each figure
comes with how busy it was; the servers' CPU per operation is the cost that does not move with
the neighbours)."""

from __future__ import annotations

import os


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no samples)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare_postgres(url: str, database: str, *, fresh: bool = True) -> str:
    """The URL of the bench database `database` on the server of `url` (never the configured
    database itself); dropped and created again when `fresh`."""
    from urllib.parse import urlparse, urlunparse

    import psycopg

    bench_url = urlunparse(urlparse(url)._replace(path="/" + database))
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if fresh and exists:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        if fresh or not exists:
            admin.execute(f'CREATE DATABASE "{database}"')
    return bench_url


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot; (0, 0) where /proc/stat is missing."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


SERVER_PROCESSES = ("postgres", "redis-server")


def server_cpu_seconds(names: tuple[str, ...] = SERVER_PROCESSES) -> float:
    """CPU seconds (user + system) spent so far by the processes named `names` (the database
    and cache servers on this machine) and by their children that have exited (a PostgreSQL
    backend's time moves to the postmaster when its connection closes); 0 where /proc is
    missing. Take the difference around a run."""
    ticks = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        if name in names or any(name.startswith(prefix) for prefix in names):
            fields = text[text.rfind(")") + 2 :].split()
            ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")
