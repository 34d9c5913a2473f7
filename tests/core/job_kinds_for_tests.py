"""Test-only job kinds.

Imported by tests/core/test_jobs.py, and by the real worker processes those tests start
(through the XIAOYOU_TASK_IMPORTS hook), so both sides know the same kinds.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from xiaoyou.core.jobs import JobContext, register_job


def _staff_may_start(user: Any, org: Any) -> bool:
    return bool(user.is_staff)


def run_count(context: JobContext) -> dict[str, Any]:
    """Counts to params["total"], pausing params["pause"] seconds per step."""
    total = int(context.params["total"])
    for done in range(1, total + 1):
        time.sleep(float(context.params.get("pause", 0)))
        context.progress(done, total)
    return {"counted": total}


def run_flaky(context: JobContext) -> dict[str, Any]:
    """Fails until attempt params["succeed_on_attempt"]."""
    attempt = context.job.attempts
    if attempt < int(context.params["succeed_on_attempt"]):
        raise RuntimeError(f"flaky failure on attempt {attempt}")
    return {"succeeded_on_attempt": attempt}


def run_broken(context: JobContext) -> dict[str, Any]:
    raise ValueError("the printer is on fire")


def run_once(context: JobContext) -> dict[str, Any]:
    """Appends a line to params["marker"] per run, slowly, so duplicate runs would show."""
    marker = Path(context.params["marker"])
    with marker.open("a") as file:
        file.write(f"run of job {context.job.pk}\n")
    time.sleep(float(context.params.get("pause", 0)))
    return {"marker": str(marker)}


register_job("test.count", run_count, "Count (test)", _staff_may_start, max_retries=0)
register_job("test.flaky", run_flaky, "Flaky (test)", _staff_may_start, max_retries=3, backoff=0.5)
register_job(
    "test.broken", run_broken, "Broken (test)", _staff_may_start, max_retries=2, backoff=0.2
)
register_job("test.once", run_once, "Once (test)", _staff_may_start, max_retries=0)
