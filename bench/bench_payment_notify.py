"""Payment notification benchmark: latency of POST /payments/notify/<provider>/ under load.

N orders are started, then C concurrent clients (processes by default, like web workers;
`--threads` for threads of one process; each with its own database connection, through
Django's test client = the full middleware stack and URL routing) deliver
every order's signed "paid" notification R times (the first applies it, the replays are
duplicates) plus some forged ones, in random order. The payable's on_paid callback sleeps
0.5 s: it runs in a Celery task after commit (the broker only queues it here), so it must
not show in the endpoint's latency. Prints one JSON object: p50/p95/p99/max in ms, requests
per second, outcomes, and the check that every order got exactly one PAID ledger entry.

Notifications are HMAC-signed by a benchmark adapter (`bench`) implementing the provider
interface; WeChat Pay's RSA verification and AES-GCM decryption add well under 1 ms.

    .venv/bin/python -m bench.bench_payment_notify --smoke     # CI: 60 orders, 4 clients
    .venv/bin/python -m bench.bench_payment_notify             # 1,000 orders, 16 clients
    .venv/bin/python -m bench.bench_payment_notify --clients 8 --threads

SQLite in a temporary directory by default; with DATABASE_URL set, PostgreSQL on a fresh
database named bench_xiaoyou_payments (created by the script; never the configured database).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import sys
import tempfile
import threading
import time
from typing import Any

from bench.common import percentile, prepare_postgres

SIZES = {"smoke": (60, 4, 3), "full": (1000, 16, 3)}  # orders, clients, deliveries per order
SECRET = b"bench-secret"
BENCH_DATABASE = "bench_xiaoyou_payments"
CALLBACK_SECONDS = 0.5


def _adapter() -> None:
    from django.http import HttpResponse

    from xiaoyou.payments.providers.base import (
        InvalidNotification,
        ParsedNotification,
        PaymentState,
        StartResult,
        register_provider,
    )

    @register_provider
    class BenchProvider:
        name = "bench"
        channels = ("native",)
        max_refund_days = 365

        def __init__(self, **config: Any) -> None:
            pass

        def start(self, order: Any, *, channel: str, context: Any) -> StartResult:
            return StartResult(qr_code=f"bench://{order.out_trade_no}")

        def parse_notification(self, *, headers: dict[str, str], body: bytes) -> Any:
            given = {k.lower(): v for k, v in headers.items()}.get("x-bench-signature", "")
            expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(given, expected):
                raise InvalidNotification("bad signature")
            data = json.loads(body)
            return ParsedNotification(
                kind="payment",
                payment=PaymentState(
                    out_trade_no=data["out_trade_no"],
                    state="paid",
                    amount=data["amount"],
                    provider_trade_no=data["trade_no"],
                ),
            )

        def notification_reply(self, *, accepted: bool) -> HttpResponse:
            return HttpResponse(status=204 if accepted else 400)


Message = tuple[dict[str, str], bytes]


def _client(number: int, clients: int, messages: list[Message], barrier: Any) -> dict[str, Any]:
    """One client: its share of the notifications, posted one after the other."""
    from django.db import connections
    from django.test import Client

    client = Client()
    samples: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    try:
        # Warm-up outside the figures (first-request imports, URL resolver, translations): a
        # forged notification, refused and logged like any other.
        client.post("/payments/notify/bench/", data=b"{}", content_type="application/json")
        barrier.wait()
        cpu = time.process_time()
        for headers, body in messages[number::clients]:
            started = time.perf_counter()
            try:
                code = client.post(
                    "/payments/notify/bench/", data=body, content_type="application/json", **headers
                ).status_code
            except Exception as exc:  # a server error: counted, the first one shown
                code = 500
                errors.append(f"{type(exc).__name__}: {exc}")
            samples.append((time.perf_counter() - started) * 1000)
            statuses[code] = statuses.get(code, 0) + 1
        return {
            "samples": samples,
            "statuses": statuses,
            "errors": errors,
            "cpu": time.process_time() - cpu,
        }
    finally:
        connections.close_all()


def _process_client(number, clients, messages, barrier, out) -> None:  # type: ignore[no-untyped-def]
    out.put(_client(number, clients, messages, barrier))


def _run(messages: list[Message], clients: int, *, threads: bool) -> list[dict[str, Any]]:
    """Clients as separate processes (as web workers are: no shared interpreter lock) unless
    `threads`; each has its own database connection."""
    from django.db import connections

    results: list[dict[str, Any]] = []
    if threads:
        barrier: Any = threading.Barrier(clients)
        lock = threading.Lock()

        def run(number: int) -> None:
            result = _client(number, clients, messages, barrier)
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
        context.Process(target=_process_client, args=(n, clients, messages, barrier, out))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="the small size CI runs")
    parser.add_argument("--clients", type=int, default=0, help="concurrent clients")
    parser.add_argument(
        "--threads", action="store_true", help="clients as threads of one process, not processes"
    )
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    orders_count, clients, deliveries = SIZES[size]
    clients = args.clients or clients

    os.environ["XIAOYOU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiaoyou-bench-pay-")
    if os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = prepare_postgres(os.environ["DATABASE_URL"], BENCH_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # callbacks are queued, never run inline
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    settings.PAYMENTS_PROVIDERS = {**settings.PAYMENTS_PROVIDERS, "bench": {}}
    settings.PAYMENTS_NOTIFY_BASE_URL = "http://testserver"
    _adapter()

    from xiaoyou.organizations.models import OrganizationKind
    from xiaoyou.organizations.services import organization_create
    from xiaoyou.payments import payables
    from xiaoyou.payments.models import LedgerEntry, LedgerKind, PaymentRequest
    from xiaoyou.payments.providers.base import StartContext
    from xiaoyou.payments.services.orders import order_create, payment_start

    def slow_callback(order: Any) -> None:
        time.sleep(CALLBACK_SECONDS)

    payables.register_payable(PaymentRequest, on_paid=slow_callback, on_refunded=slow_callback)
    org = organization_create(actor=None, name="基准校友会", kind=OrganizationKind.MAIN)
    fee = PaymentRequest.objects.create(org=org, title="会费", amount=10000)
    orders = []
    for _ in range(orders_count):
        order = order_create(payable=fee, amount=10000, subject="会费", org=org)
        payment_start(order=order, provider="bench", channel="native", context=StartContext())
        orders.append(order)

    messages: list[tuple[dict[str, str], bytes]] = []
    for order in orders:
        body = json.dumps(
            {"out_trade_no": order.out_trade_no, "amount": 10000, "trade_no": f"B{order.pk}"}
        ).encode()
        signature = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        messages += [({"HTTP_X_BENCH_SIGNATURE": signature}, body)] * deliveries
        if order.pk % 10 == 0:  # a forged one now and then
            messages.append(({"HTTP_X_BENCH_SIGNATURE": "0" * 64}, body))
    random.Random(7).shuffle(messages)

    wall = time.perf_counter()
    results = _run(messages, clients, threads=args.threads)
    wall = time.perf_counter() - wall
    samples = [elapsed for result in results for elapsed in result["samples"]]
    statuses: dict[int, int] = {}
    errors: list[str] = []
    for result in results:
        for code, count in result["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
        errors += result["errors"]
    cpu = sum(result["cpu"] for result in results)

    paid = LedgerEntry.objects.filter(kind=LedgerKind.PAID).values_list("order_id", flat=True)
    paid_list = list(paid)
    figures = {
        "size": size,
        "database": connection.vendor,
        "orders": orders_count,
        "clients": clients,
        "client_mode": "threads" if args.threads else "processes",
        "requests": len(samples),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "notify_ms_p50": round(percentile(samples, 0.50), 2),
        "notify_ms_p95": round(percentile(samples, 0.95), 2),
        "notify_ms_p99": round(percentile(samples, 0.99), 2),
        "notify_ms_max": round(max(samples), 2),
        "requests_per_second": round(len(samples) / wall, 1),
        "cpu_ms_per_request": round(cpu * 1000 / len(samples), 2),
        "paid_entries": len(paid_list),
        "one_paid_entry_per_order": len(paid_list) == len(set(paid_list)) == orders_count,
        "callback_seconds": CALLBACK_SECONDS,
        "errors": len(errors),
        "first_error": errors[0][:300] if errors else "",
    }
    print(json.dumps(figures))
    if not figures["one_paid_entry_per_order"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
