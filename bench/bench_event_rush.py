"""Event rush benchmark (issue 7): N concurrent sign-ups for C seats, nothing oversold.

Clients are separate processes by default (as web workers are: no shared interpreter lock),
`--threads` for threads of one process; each has its own database connection and calls the
sign-up service `registration_create` directly (the hall's view adds only form parsing and
rendering around that call). All clients wait on a barrier and then sign their share of the N
users up one after the other, as fast as they can. Sign-ups queue their notification tasks on
the broker (Redis with REDIS_URL, else the filesystem broker); no worker runs them here.

Prints one JSON object: confirmed, waitlisted, refused and error counts, the correctness
checks (confirmed == C, seats_taken == the seats the seat-holding registrations hold, every
other sign-up waitlisted), accepted sign-ups per second (over the wall time of the rush),
p50/p95/p99/max latency of one sign-up, the clients' CPU time, and how busy the machine's
CPUs were meanwhile (from /proc/stat: the machine is shared, so the figures move with it). The
CPU the clients and the database and Redis servers spent per sign-up does not move with the
neighbours: `cpu_bound_signups_per_second` is the rate the machine's cores allow at that cost.

    .venv/bin/python -m bench.bench_event_rush --smoke      # CI: 400 sign-ups for 50 seats
    .venv/bin/python -m bench.bench_event_rush              # 10,000 sign-ups for 1,000 seats
    DATABASE_URL=postgres://... REDIS_URL=redis://.../13 .venv/bin/python -m bench.bench_event_rush

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a fresh
database named bench_xiaoyou_events (created by the script; never the configured database).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from typing import Any

from bench.common import cpu_ticks, percentile, prepare_postgres, server_cpu_seconds

SIZES = {"smoke": (400, 50, 4), "full": (10_000, 1_000, 8)}  # sign-ups, seats, clients
BENCH_DATABASE = "bench_xiaoyou_events"


def _client(number: int, clients: int, ids: dict[str, Any], barrier: Any) -> dict[str, Any]:
    """One client: its share of the users, signed up one after the other."""
    from django.db import connections

    from xiaoyou.accounts.models import User
    from xiaoyou.core.errors import ApplicationError
    from xiaoyou.events.models import Event, TicketType
    from xiaoyou.events.services.registrations import registration_create

    samples: list[float] = []
    outcomes: dict[str, int] = {}
    errors: list[str] = []
    try:
        event = Event.objects.select_related("org").get(pk=ids["event"])
        ticket = TicketType.objects.get(pk=ids["ticket"])
        users = list(User.objects.filter(pk__in=ids["users"][number::clients]).order_by("?"))
        barrier.wait()
        cpu = time.process_time()
        for user in users:
            started = time.perf_counter()
            try:
                registration = registration_create(
                    event=event, ticket_type=ticket, user=user, name=user.display_name
                )
                outcome = str(registration.status)
            except ApplicationError as error:
                outcome = error.code
            except Exception as exc:  # a server error: counted, the first one shown
                outcome = "error"
                errors.append(f"{type(exc).__name__}: {exc}")
            samples.append((time.perf_counter() - started) * 1000)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return {
            "samples": samples,
            "outcomes": outcomes,
            "errors": errors,
            "cpu": time.process_time() - cpu,
        }
    finally:
        connections.close_all()


def _process_client(number, clients, ids, barrier, out) -> None:  # type: ignore[no-untyped-def]
    out.put(_client(number, clients, ids, barrier))


def _run(ids: dict[str, Any], clients: int, *, threads: bool) -> list[dict[str, Any]]:
    from django.db import connections

    results: list[dict[str, Any]] = []
    if threads:
        barrier: Any = threading.Barrier(clients)
        lock = threading.Lock()

        def run(number: int) -> None:
            result = _client(number, clients, ids, barrier)
            with lock:
                results.append(result)

        workers = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return results
    import multiprocessing

    connections.close_all()  # never share a connection with the children
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients)
    out = context.Queue()
    processes = [
        context.Process(target=_process_client, args=(n, clients, ids, barrier, out))
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        results.append(out.get())
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"a client process failed ({process.exitcode})")
    return results


def _setup(signups: int, seats: int) -> dict[str, Any]:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from xiaoyou.accounts.models import User
    from xiaoyou.events.models import Event, EventStatus, TicketType
    from xiaoyou.organizations.models import OrganizationKind
    from xiaoyou.organizations.services import organization_create

    org = organization_create(actor=None, name="示范大学校友总会", kind=OrganizationKind.MAIN)
    starts = timezone.now() + dt.timedelta(days=30)
    event = Event.objects.create(
        org=org,
        title="建校120周年校庆",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        capacity=seats,
        status=EventStatus.PUBLISHED,
        waitlist_enabled=True,
        ticket_secret="b" * 64,
    )
    ticket = TicketType.objects.create(event=event, name="校友票", price=0)
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"rush{n}", display_name=f"校友{n}", password=password)
            for n in range(signups)
        ],
        batch_size=1000,
    )
    users = list(User.objects.filter(username__startswith="rush").values_list("pk", flat=True))
    return {"event": event.pk, "ticket": ticket.pk, "users": users}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="the small size CI runs")
    parser.add_argument("--signups", type=int, default=0)
    parser.add_argument("--seats", type=int, default=0)
    parser.add_argument("--clients", type=int, default=0, help="concurrent clients")
    parser.add_argument(
        "--threads", action="store_true", help="clients as threads of one process, not processes"
    )
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    signups, seats, clients = SIZES[size]
    signups, seats, clients = args.signups or signups, args.seats or seats, args.clients or clients

    os.environ["XIAOYOU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiaoyou-bench-rush-")
    if os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = prepare_postgres(os.environ["DATABASE_URL"], BENCH_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # notifications are queued, not sent
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Sum

    call_command("migrate", verbosity=0)
    ids = _setup(signups, seats)

    busy_before, total_before = cpu_ticks()
    servers_before = server_cpu_seconds()
    wall = time.perf_counter()
    results = _run(ids, clients, threads=args.threads)
    wall = time.perf_counter() - wall
    busy_after, total_after = cpu_ticks()
    servers = server_cpu_seconds() - servers_before

    from xiaoyou.events.models import SEAT_HOLDING, Event, Registration

    samples = [elapsed for result in results for elapsed in result["samples"]]
    outcomes: dict[str, int] = {}
    errors: list[str] = []
    for result in results:
        for outcome, count in result["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
        errors += result["errors"]
    cpu = sum(result["cpu"] for result in results)
    event = Event.objects.get(pk=ids["event"])
    by_status = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    held = (
        Registration.objects.filter(event=event, status__in=SEAT_HOLDING).aggregate(
            total=Sum("seats")
        )["total"]
        or 0
    )
    confirmed = by_status.get("confirmed", 0)
    waitlisted = by_status.get("waitlisted", 0)
    accepted = outcomes.get("confirmed", 0) + outcomes.get("waitlisted", 0)
    total_ticks = max(total_after - total_before, 1)
    figures = {
        "size": size,
        "database": connection.vendor,
        "broker": "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "filesystem",
        "signups": signups,
        "seats": seats,
        "clients": clients,
        "client_mode": "threads" if args.threads else "processes",
        "cpu_count": os.cpu_count(),
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "refused": {k: v for k, v in outcomes.items() if k not in ("confirmed", "waitlisted")},
        "seats_taken": event.seats_taken,
        "seats_held_by_registrations": held,
        "oversold": max(event.seats_taken - seats, 0) + abs(event.seats_taken - held),
        "exactly_capacity_confirmed": confirmed == seats == event.seats_taken == held,
        "everyone_else_waitlisted": waitlisted == signups - seats,
        "wall_seconds": round(wall, 2),
        "accepted_signups_per_second": round(accepted / wall, 1),
        "signup_ms_p50": round(percentile(samples, 0.50), 2),
        "signup_ms_p95": round(percentile(samples, 0.95), 2),
        "signup_ms_p99": round(percentile(samples, 0.99), 2),
        "signup_ms_max": round(max(samples), 2),
        "client_cpu_seconds": round(cpu, 2),
        "client_cpu_ms_per_signup": round(cpu * 1000 / max(len(samples), 1), 2),
        # PostgreSQL and Redis (or nothing, on SQLite with the filesystem broker).
        "server_cpu_ms_per_signup": round(servers * 1000 / max(len(samples), 1), 2),
        # What this machine's cores could sustain if sign-ups had them to themselves: the
        # throughput that the CPU cost per sign-up (clients + servers) allows.
        "cpu_bound_signups_per_second": round(
            (os.cpu_count() or 1) * len(samples) / max(cpu + servers, 1e-9), 1
        ),
        "machine_cpu_busy_percent": round(100 * (busy_after - busy_before) / total_ticks, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "errors": len(errors),
        "first_error": errors[0][:300] if errors else "",
    }
    print(json.dumps(figures))
    if not (figures["exactly_capacity_confirmed"] and figures["oversold"] == 0) or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
