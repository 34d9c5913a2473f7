"""Email campaign benchmark (issue 10): render personalized messages and hand them to a local
SMTP server (aiosmtpd, in its own process) through the real sending path.

Creates an organization and a campaign from the newsletter template (personalized subject,
html and text parts, tracked links, open pixel, List-Unsubscribe headers, DKIM-signed with a
2048-bit RSA key unless --no-dkim), queues N recipients (bulk, timed apart), then runs the
campaign's sender (claimed batches, one UPDATE per accepted message) in --workers processes
until every row is sent. The SMTP sink counts what it accepted and the distinct recipients, so
the figure is checked: every message handed off exactly once. Prints one JSON object: messages
per hour, per-process peak RSS (start and end of the run, to show memory does not grow with the
number of recipients), the machine's busy share.

    .venv/bin/python -m bench.bench_email --smoke           # 300 messages (CI)
    .venv/bin/python -m bench.bench_email                   # 50,000 messages
    .venv/bin/python -m bench.bench_email --messages 100000 --workers 2
    .venv/bin/python -m bench.bench_email --database-url postgres://postgres@127.0.0.1/postgres

SQLite in a temporary directory by default; with --database-url (or DATABASE_URL) PostgreSQL on
a database named bench_xiaoyou_email (created by the script; never the configured database).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import socket
import sys
import tempfile
import time
from typing import Any

from bench.common import cpu_ticks, prepare_postgres

SIZES = {"smoke": 300, "full": 50_000}
BENCH_DATABASE = "bench_xiaoyou_email"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _smtp_sink(port: int, accepted: Any, distinct: Any, ready: Any, stop: Any) -> None:
    """The SMTP server process: accepts everything, counts messages and distinct recipients."""
    import asyncio

    from aiosmtpd.controller import Controller

    seen: set[str] = set()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with accepted.get_lock():
                accepted.value += 1
            for rcpt in envelope.rcpt_tos:
                if rcpt not in seen:
                    seen.add(rcpt)
                    with distinct.get_lock():
                        distinct.value += 1
            return "250 OK"

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    del asyncio


def _setup(database_url: str, directory: str) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["XIAOYOU_VAR_DIR"] = directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")
    os.environ["XIAOYOU_TESTING"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["XIAOYOU_PLAIN_STATIC"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    import logging

    logging.getLogger("xiaoyou").setLevel(logging.WARNING)


def _configure_mail(port: int, dkim_pem: str) -> None:
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MESSAGING_EMAIL_FROM = "示范大学校友总会 <news@alumni.example.edu>"
    settings.SITE_URL = "https://alumni.example.edu"
    if dkim_pem:
        settings.DKIM_PRIVATE_KEY = dkim_pem
        settings.DKIM_SELECTOR = "bench"
        settings.DKIM_DOMAIN = "alumni.example.edu"


def _rss_mb() -> dict[str, float]:
    """This process's resident set now (MB) from /proc/self/status: anonymous memory (the Python
    heap, SQLite's page cache, capped by its cache_size) and file pages (the database file
    mapped by SQLite's mmap_size, shared and reclaimable)."""
    found = {"anon": 0.0, "file": 0.0}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(("RssAnon:", "RssFile:")):
                    key = "anon" if line.startswith("RssAnon") else "file"
                    found[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        found["anon"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return found


def _python_blocks() -> int:
    """Live memory blocks of the Python allocator after a collection (cheap, unlike
    tracemalloc): their growth over the run shows whether Python objects accumulate."""
    import gc

    gc.collect()
    return sys.getallocatedblocks()


def _add(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {key: first.get(key, 0) + second.get(key, 0) for key in {*first, *second}}


def _sender(
    database_url: str, directory: str, port: int, dkim_pem: str, campaign_id: int, out: Any
) -> None:
    """One sending worker: runs the campaign's sender until nothing is claimable."""
    _setup(database_url, directory)
    _configure_mail(port, dkim_pem)
    from xiaoyou.messaging.email_sending import send_campaign
    from xiaoyou.messaging.models import EmailCampaign

    campaign = EmailCampaign.objects.select_related("org").get(pk=campaign_id)
    samples: list[dict[str, float]] = []
    total_seen = [0]

    def on_progress(done: int, total: int) -> None:
        total_seen[0] += 1
        if total_seen[0] % 500 == 1:
            samples.append(_rss_mb())

    started = time.perf_counter()
    counts = send_campaign(campaign, on_progress=on_progress, stop_after=200)
    blocks_before = _python_blocks()
    counts = _add(counts, send_campaign(campaign, on_progress=on_progress))
    elapsed = time.perf_counter() - started
    samples.append(_rss_mb())
    out.put(
        {
            "counts": counts,
            "seconds": elapsed,
            "rss_first_mb": samples[0],
            "rss_last_mb": samples[-1],
            "python_blocks_growth": _python_blocks() - blocks_before,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def _dkim_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _queue(count: int) -> tuple[int, float]:
    """Creates the campaign and its `count` queued recipients; (campaign id, seconds)."""
    from django.utils import timezone

    from xiaoyou.messaging.email_render import extract_links
    from xiaoyou.messaging.models import EmailCampaign, EmailMessage
    from xiaoyou.messaging.services.email_templates import LIBRARY, library_body
    from xiaoyou.organizations.models import Organization

    org = Organization.objects.create(name="示范大学校友总会", kind="main")
    html, text = library_body("newsletter")
    campaign = EmailCampaign.objects.create(
        org=org,
        name="bench",
        subject=str(LIBRARY["newsletter"][1]) + " · {{ name }}",
        body_html=html,
        body_text=text,
        audience_kind="upload",
        status="sending",
        started_at=timezone.now(),
        links=extract_links(html),
    )
    started = time.perf_counter()
    batch: list[EmailMessage] = []
    for number in range(count):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number // 20) % len(GIVEN)]
        batch.append(
            EmailMessage(
                campaign=campaign,
                email=f"alumnus{number}@mail{number % 50}.example.com",
                name=name,
                context={
                    "name": name,
                    "class_year": str(1980 + number % 45),
                    "college": "计算机学院",
                    "org": org.name,
                },
            )
        )
        if len(batch) >= 2000:
            EmailMessage.objects.bulk_create(batch)
            batch = []
    if batch:
        EmailMessage.objects.bulk_create(batch)
    EmailCampaign.objects.filter(pk=campaign.pk).update(recipient_count=count)
    return campaign.pk, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="300 messages (CI)")
    parser.add_argument("--messages", type=int, default=0, help="override the message count")
    parser.add_argument("--workers", type=int, default=1, help="sending processes")
    parser.add_argument("--no-dkim", action="store_true", help="do not sign")
    parser.add_argument("--database-url", default="", help="PostgreSQL server to run on")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "full"
    count = args.messages or SIZES[size]
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    database_url = prepare_postgres(url, BENCH_DATABASE) if url else ""
    directory = tempfile.mkdtemp(prefix="xiaoyou-bench-email-")
    _setup(database_url, directory)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    dkim_pem = "" if args.no_dkim else _dkim_key()
    campaign_id, queue_seconds = _queue(count)
    connection.close()

    context = multiprocessing.get_context("spawn")
    accepted, distinct = context.Value("q", 0), context.Value("q", 0)
    ready, stop = context.Event(), context.Event()
    port = _free_port()
    sink = context.Process(target=_smtp_sink, args=(port, accepted, distinct, ready, stop))
    sink.start()
    ready.wait(30)

    out = context.Queue()
    busy_before, total_before = cpu_ticks()
    started = time.perf_counter()
    workers = [
        context.Process(
            target=_sender, args=(database_url, directory, port, dkim_pem, campaign_id, out)
        )
        for _ in range(max(1, args.workers))
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=3600) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    busy_after, total_after = cpu_ticks()
    stop.set()
    sink.join(30)

    from django.db.models import Count

    from xiaoyou.messaging.models import EmailCampaign, EmailMessage

    statuses = dict(
        EmailMessage.objects.filter(campaign_id=campaign_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sent = sum(result["counts"]["sent"] for result in results)
    sending = max(result["seconds"] for result in results)
    figures = {
        "benchmark": "email_campaign_send",
        "size": size,
        "messages": count,
        "workers": len(workers),
        "dkim": bool(dkim_pem),
        "database": connection.vendor,
        "queue_seconds": round(queue_seconds, 2),
        "send_seconds": round(sending, 2),
        # Resident memory of each worker after its first message and at its end, split into
        # anonymous memory and mapped database file pages (see _rss_mb).
        # Send time: from the first claim to the last message accepted (the slowest worker),
        # without the workers' start (a Celery worker is already up when a campaign starts).
        "messages_per_hour": round(sent / sending * 3600),
        "messages_per_second": round(sent / sending, 1),
        "messages_per_hour_with_worker_start": round(sent / elapsed * 3600),
        "sent": sent,
        "smtp_accepted": accepted.value,
        "smtp_distinct_recipients": distinct.value,
        "statuses": statuses,
        "campaign_status": EmailCampaign.objects.get(pk=campaign_id).status,
        "worker_rss_first_mb": [result["rss_first_mb"] for result in results],
        "worker_rss_last_mb": [result["rss_last_mb"] for result in results],
        "worker_python_blocks_growth": [result["python_blocks_growth"] for result in results],
        "worker_peak_rss_mb": [result["peak_rss_mb"] for result in results],
        "machine_busy_share": round(
            (busy_after - busy_before) / max(total_after - total_before, 1), 2
        ),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average": [round(value, 2) for value in os.getloadavg()],
        },
    }
    json.dump(figures, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
