"""Payment notification benchmark: latency of POST /payments/notify/<provider>/ under load.

N orders are started, then C concurrent clients (threads, each with its own database
connection, through Django's test client = the full middleware stack and URL routing) deliver
every order's signed "paid" notification R times (the first applies it, the replays are
duplicates) plus some forged ones, in random order. The payable's on_paid callback sleeps
0.5 s: it runs in a Celery task after commit (the broker only queues it here), so it must
not show in the endpoint's latency. Prints one JSON object: p50/p95/p99/max in ms, requests
per second, outcomes, and the check that every order got exactly one PAID ledger entry.

Notifications are HMAC-signed by a benchmark adapter (`bench`) implementing the provider
interface; WeChat Pay's RSA verification and AES-GCM decryption add well under 1 ms.

    .venv/bin/python -m bench.bench_payment_notify --smoke     # CI: 60 orders, 4 clients
    .venv/bin/python -m bench.bench_payment_notify             # 1,000 orders, 16 clients

SQLite in a temporary directory unless DATABASE_URL is set.
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

SIZES = {"smoke": (60, 4, 3), "full": (1000, 16, 3)}  # orders, clients, deliveries per order
SECRET = b"bench-secret"
CALLBACK_SECONDS = 0.5


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="the small size CI runs")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    orders_count, clients, deliveries = SIZES[size]

    if not os.environ.get("DATABASE_URL"):
        os.environ["XIAOYOU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiaoyou-bench-pay-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # callbacks are queued, never run inline
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

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

    samples: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(messages))
    barrier = threading.Barrier(clients)

    def client_loop() -> None:
        client = Client()
        barrier.wait()
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    _, (headers, body) = queue.pop()
                started = time.perf_counter()
                response = client.post(
                    "/payments/notify/bench/", data=body, content_type="application/json", **headers
                )
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    samples.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    wall = time.perf_counter()
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu

    paid = LedgerEntry.objects.filter(kind=LedgerKind.PAID).values_list("order_id", flat=True)
    paid_list = list(paid)
    figures = {
        "size": size,
        "database": connection.vendor,
        "orders": orders_count,
        "clients": clients,
        "requests": len(samples),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "notify_ms_p50": round(_percentile(samples, 0.50), 2),
        "notify_ms_p95": round(_percentile(samples, 0.95), 2),
        "notify_ms_p99": round(_percentile(samples, 0.99), 2),
        "notify_ms_max": round(max(samples), 2),
        "requests_per_second": round(len(samples) / wall, 1),
        "cpu_ms_per_request": round(cpu * 1000 / len(samples), 2),
        "paid_entries": len(paid_list),
        "one_paid_entry_per_order": len(paid_list) == len(set(paid_list)) == orders_count,
        "callback_seconds": CALLBACK_SECONDS,
    }
    print(json.dumps(figures))
    if not figures["one_paid_entry_per_order"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
