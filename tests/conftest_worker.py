"""A real Celery worker process for tests marked @pytest.mark.worker.

`celery_worker_process` starts one worker (`celery -A xiaoyou worker --pool solo -c 1`) on the
same test database as the test and on a private broker, waits until it is ready and stops it
cleanly afterwards; `start_celery_worker` starts more (for tests about two workers). Use them from
transactional tests (`@pytest.mark.django_db(transaction=True)`): the worker is another process
and sees only committed rows.

- Database: pytest-django's test database, passed as DATABASE_URL (the var/ file on SQLite,
  test_xiaoyou<suffix> on PostgreSQL).
- Broker: on the embedded filesystem broker, a per-test directory (XIAOYOU_BROKER_DIR); on Redis,
  REDIS_URL with a per-test queue name (XIAOYOU_TASK_QUEUE), so parallel runs on one Redis
  never take each other's messages.
- Extra modules: a test module overrides the `celery_worker_imports` fixture to name modules the
  worker imports at start (XIAOYOU_TASK_IMPORTS), e.g. its test-only job kinds.

While the fixture is active this process's Celery app sends to that broker instead of running
tasks eagerly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from xiaoyou.celery import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    stopping: bool = False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if f"{self.name}@" in self.log() and " ready." in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited early:\n{self.log()}")
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"worker {self.name} not ready after {timeout}s:\n{self.log()}")

    def request_stop(self) -> None:
        """Asks for a warm shutdown (SIGTERM: finish the current task, then exit), once."""
        if self.process.poll() is None and not self.stopping:
            self.process.send_signal(signal.SIGTERM)
            self.stopping = True

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """Warm shutdown, waited for; killed if it hangs."""
        self.request_stop()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def worker_database_url() -> str:
    """A DATABASE_URL naming the database this test process is connected to (the test one)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(config.get("USER") or "", safe="")
        password = quote(config.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = config.get("HOST") or "127.0.0.1"
        port = f":{config['PORT']}" if config.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(config['NAME'], safe='')}"
    raise RuntimeError(f"no worker support for {connection.vendor}")


@pytest.fixture
def celery_worker_imports() -> list[str]:
    """Modules the worker imports at start; override in a test module to add test-only tasks."""
    return []


@pytest.fixture
def celery_broker_environment(
    transactional_db: None, tmp_path: Path, celery_worker_imports: list[str]
) -> Iterator[dict[str, str]]:
    """Switches this process's Celery app to a private broker; yields the workers' environment."""
    queue = f"xiaoyou-test-{uuid.uuid4().hex[:12]}"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "XIAOYOU_BROKER_DIR", "PYTEST_CURRENT_TEST")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "xiaoyou.settings",
            "DATABASE_URL": worker_database_url(),
            "XIAOYOU_VAR_DIR": str(settings.VAR_DIR),
            "XIAOYOU_TESTING": "false",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "XIAOYOU_TASK_QUEUE": queue,
            "XIAOYOU_TASK_IMPORTS": ",".join(celery_worker_imports),
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), str(PROJECT_DIR)]),
            "PYTHONUNBUFFERED": "1",
        }
    )
    changes: dict[str, Any] = {"task_always_eager": False, "task_default_queue": queue}
    if settings.REDIS_URL:
        environment["REDIS_URL"] = settings.REDIS_URL
    else:
        broker_dir = tmp_path / "broker"
        for sub in ("queue", "processed"):
            (broker_dir / sub).mkdir(parents=True, exist_ok=True)
        environment["XIAOYOU_BROKER_DIR"] = str(broker_dir)
        changes["broker_transport_options"] = {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "data_folder_processed": str(broker_dir / "processed"),
            "store_processed": False,
            "control_folder": str(broker_dir / "control"),
        }
    saved = {key: celery_app.conf[key] for key in changes}
    _reconfigure(changes)
    try:
        yield environment
    finally:
        _reconfigure(saved)
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL)
            client.delete(queue, f"_kombu.binding.{queue}")
            client.close()


def _reconfigure(changes: dict[str, Any]) -> None:
    celery_app.conf.update(changes)
    # The app caches its routing (queues) and its connection pools: drop them so the next send
    # uses the new broker and queue, as Celery itself does after a fork.
    # kombu keeps pools in a process-wide registry keyed by connection: reset that too.
    pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def start_celery_worker(
    celery_broker_environment: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """A factory: `start_celery_worker()` starts one more ready worker, stopped at teardown."""
    started: list[WorkerProcess] = []
    celery = Path(sys.executable).parent / "celery"

    def start(name: str | None = None) -> WorkerProcess:
        name = name or f"test{len(started) + 1}"
        log_path = tmp_path / f"worker-{name}.log"
        command = [
            str(celery),
            "-A",
            "xiaoyou",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}@%h",
            "--queues",
            celery_broker_environment["XIAOYOU_TASK_QUEUE"],
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=celery_broker_environment,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(name=name, process=process, log_path=log_path)
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:  # all at once: each takes a few seconds to wind down
            worker.request_stop()
        for worker in started:
            worker.stop()
        # The worker's connections are gone; ours may hold a stale view of the SQLite file.
        connection.close()


@pytest.fixture
def celery_worker_process(start_celery_worker: Callable[..., WorkerProcess]) -> WorkerProcess:
    """One real worker process, ready to take tasks."""
    return start_celery_worker()
