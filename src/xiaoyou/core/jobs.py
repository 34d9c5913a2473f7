"""Background jobs: a Job row per long task, run by Celery, with progress, retries and a registry.

A module declares a kind of job once, in its AppConfig.ready():

    register_job("alumni.import", run_import, _("Import alumni"), may_import, max_retries=2)

and its service starts one inside its transaction:

    job_create(kind="alumni.import", title=..., actor=actor, org=org, params={"file_id": 7})

The job is enqueued when the transaction commits. The one Celery task that runs jobs,
`xiaoyou.core.run_job` (core/job_tasks.py), calls `job_run`: it claims the row with a conditional
UPDATE (so two workers never run the same job), calls the runner with a `JobContext`, and records
success, a retry with exponential backoff, or failure. Runners report progress through
`context.progress(done, total)`; the console's progress bar polls the row.

Runners must be safe to run again: a retry starts the runner from the beginning.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError, register_messages
from xiaoyou.core.models import Job, JobStatus

logger = logging.getLogger(__name__)

register_messages(
    {
        "job_not_failed": _("Only a failed job can be retried."),
        "job_kind_unknown": _("This kind of background job does not exist."),
    }
)

# Progress is written at most this often per job (seconds); the final value always is.
PROGRESS_INTERVAL = 0.5


class JobError(Exception):
    """Raised by a runner for a failure that another attempt cannot fix: no retry.

    `result` is kept on the job (e.g. what a verification found).
    """

    def __init__(self, message: str, *, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.result = result


@dataclass
class JobContext:
    """What a runner gets: the claimed job, its parameters, and a progress reporter."""

    job: Job

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    def progress(self, done: int, total: int | None = None) -> None:
        progress(self.job.pk, done, total)


Runner = Callable[[JobContext], "dict[str, Any] | None"]
# Who may start a job of this kind for an organization (None: not tied to one).
StartPermission = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class JobKind:
    kind: str
    runner: Runner
    label: Any
    permission: StartPermission
    # Attempts after the first; each waits `backoff * 2**n` seconds, at most `backoff_max`.
    max_retries: int = 3
    backoff: float = 30.0
    backoff_max: float = 3600.0
    # A job still "running" without a progress write for this long is taken to be orphaned
    # (its worker died) and may be claimed again when its task is redelivered.
    stale_after: int = 3600

    def retry_delay(self, retries_done: int) -> float:
        """Seconds to wait before the next attempt, after `retries_done` earlier retries."""
        return float(min(self.backoff_max, self.backoff * (2**retries_done)))


_kinds: dict[str, JobKind] = {}


def register_job(
    kind: str,
    runner: Runner,
    label: Any,
    permission: StartPermission,
    *,
    max_retries: int = 3,
    backoff: float = 30.0,
    backoff_max: float = 3600.0,
    stale_after: int = 3600,
) -> JobKind:
    """Declares a kind of job: its runner, its label in the console and who may start it."""
    if max_retries < 0 or backoff < 0 or backoff_max < 0 or stale_after <= 0:
        raise ValueError(f"Job kind {kind!r}: retries, backoff and stale_after must be positive")
    definition = JobKind(
        kind=kind,
        runner=runner,
        label=label,
        permission=permission,
        max_retries=max_retries,
        backoff=backoff,
        backoff_max=backoff_max,
        stale_after=stale_after,
    )
    _kinds[kind] = definition
    return definition


def job_kind(kind: str) -> JobKind:
    try:
        return _kinds[kind]
    except KeyError:
        raise ApplicationError("job_kind_unknown", status=404) from None


def job_kinds() -> list[JobKind]:
    return sorted(_kinds.values(), key=lambda definition: definition.kind)


def kind_label(kind: str) -> Any:
    definition = _kinds.get(kind)
    return definition.label if definition is not None else kind


def may_start(user: Any, kind: str, org: Any = None) -> bool:
    definition = _kinds.get(kind)
    if definition is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_active and definition.permission(user, org))


# --- Services -------------------------------------------------------------------------------


def job_create(
    *,
    kind: str,
    title: str,
    actor: Any | None,
    org: Any = None,
    params: dict[str, Any] | None = None,
    total: int = 0,
) -> Job:
    """Creates a queued job and enqueues its task once the surrounding transaction commits.

    Rule: a person starting a job must pass the kind's permission; `actor=None` is the system
    itself (a schedule, another job) and is not checked.
    """
    definition = job_kind(kind)
    if actor is not None and not may_start(actor, kind, org):
        raise PermissionDenied(f"{kind} denied")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=(title or str(definition.label))[:200],
            org=org,
            created_by=actor,
            params=params or {},
            total=total,
        )
        if actor is not None:
            audit.record(actor=actor, action="job.create", obj=job, org=org, changes={"kind": kind})
        transaction.on_commit(partial(job_enqueue, job.pk))
    return job


def job_retry(*, job: Job, actor: Any) -> Job:
    """Queues a failed job again from the start (a fresh round of automatic retries).

    Rule: only a failed job, and only by an admin of its organization (platform admins for jobs
    of no organization).
    """
    policy.require(actor, "retry", job)
    now = timezone.now()
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED,
            error="",
            done=0,
            result={},
            started_at=None,
            finished_at=None,
            updated_at=now,
        )
        if updated != 1:
            raise ApplicationError("job_not_failed", status=409)
        audit.record(actor=actor, action="job.retry", obj=job, org=job.org)
        transaction.on_commit(partial(job_enqueue, job.pk))
    job.refresh_from_db()
    return job


def job_enqueue(job_id: int, *, countdown: float | None = None) -> None:
    """Sends the job's task to the broker (called on commit; also used to re-send a job)."""
    from xiaoyou.core.job_tasks import run_job

    if countdown is None:
        run_job.apply_async(args=(job_id,))
    else:
        run_job.apply_async(args=(job_id,), countdown=countdown)


def jobs_delete_finished(*, older_than: timedelta) -> int:
    """Deletes succeeded and failed jobs that finished before `now - older_than`."""
    cutoff = timezone.now() - older_than
    deleted, _ = Job.objects.filter(
        status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


def jobs_requeue_stale(*, older_than: timedelta) -> list[int]:
    """Sends again the jobs whose message may be lost; returns their ids.

    Rule: a job queued or retrying with no change for `older_than`, or running without a
    progress write for its kind's `stale_after`, gets a new message (a worker killed hard, a
    broker restarted without persistence, the embedded broker's consumed files). The claim makes
    this safe: a job that is in fact alive or already done is not run twice.
    """
    now = timezone.now()
    waiting = Job.objects.filter(
        status__in=[JobStatus.QUEUED, JobStatus.RETRYING], updated_at__lt=now - older_than
    ).values_list("pk", flat=True)
    job_ids = list(waiting)
    for kind, job_id, updated_at in Job.objects.filter(status=JobStatus.RUNNING).values_list(
        "kind", "pk", "updated_at"
    ):
        definition = _kinds.get(kind)
        stale_after = definition.stale_after if definition is not None else 3600
        if updated_at < now - timedelta(seconds=stale_after):
            job_ids.append(job_id)
    for job_id in job_ids:
        logger.warning("job %s looks abandoned: sending it again", job_id)
        job_enqueue(job_id)
    return job_ids


# --- Running (called by the Celery task in the worker) -------------------------------------


def job_claim(job_id: int, *, stale_after: int | None = None) -> bool:
    """Marks the job running for this worker; False when it is not there to take.

    Rule: the conditional UPDATE is the lock. The database applies it to the row once, so of two
    workers holding the same message (a redelivery, a duplicate send) exactly one gets 1 back.
    A running job whose last write is older than `stale_after` seconds counts as orphaned.
    """
    now = timezone.now()
    claimable = Q(status__in=[JobStatus.QUEUED, JobStatus.RETRYING])
    if stale_after:
        claimable |= Q(
            status=JobStatus.RUNNING, updated_at__lt=now - timedelta(seconds=stale_after)
        )
    updated = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
        updated_at=now,
    )
    return updated == 1


_last_progress_write: dict[int, float] = {}


def progress(job_id: int, done: int, total: int | None = None) -> bool:
    """Records how far a running job is; returns whether it wrote.

    Cheap: one UPDATE without a read, at most every PROGRESS_INTERVAL seconds per job, except
    the first and the final (`done >= total`) value which are always written. The write also
    refreshes `updated_at`, which tells a live job from an orphaned one.
    Runners should not hold one transaction around their whole run, or these writes stay
    invisible to the progress bar until the end.
    """
    now = time.monotonic()
    last = _last_progress_write.get(job_id)
    is_final = total is not None and done >= total
    if last is not None and not is_final and now - last < PROGRESS_INTERVAL:
        return False
    _last_progress_write[job_id] = now
    fields: dict[str, Any] = {"done": max(0, done), "updated_at": timezone.now()}
    if total is not None:
        fields["total"] = max(0, total)
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**fields)
    return True


@dataclass(frozen=True)
class Outcome:
    """What `job_run` did; the task turns "retrying" into a Celery retry with `countdown`."""

    status: str  # skipped | succeeded | retrying | failed
    countdown: float | None = None
    max_retries: int | None = None
    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)


def job_run(job_id: int, *, retries: int = 0) -> Outcome:
    """Claims and runs one attempt of the job; `retries` is how many retries came before."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s does not exist (deleted?), message dropped", job_id)
        return Outcome("skipped")
    definition = _kinds.get(job.kind)
    if not job_claim(job_id, stale_after=definition.stale_after if definition else None):
        logger.info("job %s not claimed (status %s): another worker has it", job_id, job.status)
        return Outcome("skipped")
    if definition is None:
        # This worker does not know the kind (old code, missing app): fail visibly.
        error = f"Unknown job kind {job.kind!r}"
        _finish(job_id, status=JobStatus.FAILED, error=error)
        return Outcome("failed", error=error)
    job.refresh_from_db()
    logger.info("job %s (%s) attempt %s started", job_id, job.kind, job.attempts)
    try:
        result = definition.runner(JobContext(job)) or {}
    except JobError as exc:
        error = str(exc)
        logger.warning("job %s (%s) failed: %s", job_id, job.kind, error)
        _finish(job_id, status=JobStatus.FAILED, error=error, result=exc.result)
        return Outcome("failed", error=error, result=exc.result or {})
    except Exception as exc:
        error = _describe(exc)
        if retries < definition.max_retries:
            countdown = definition.retry_delay(retries)
            logger.warning(
                "job %s (%s) attempt %s failed, retry in %ss: %s",
                job_id,
                job.kind,
                job.attempts,
                countdown,
                error,
                exc_info=True,
            )
            # The row says "retrying" before the retry message exists, so the next attempt
            # always finds it claimable.
            Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.RETRYING, error=error, updated_at=timezone.now()
            )
            _last_progress_write.pop(job_id, None)
            return Outcome(
                "retrying", countdown=countdown, max_retries=definition.max_retries, error=error
            )
        logger.error("job %s (%s) failed for good: %s", job_id, job.kind, error, exc_info=True)
        _finish(job_id, status=JobStatus.FAILED, error=error)
        return Outcome("failed", error=error)
    _finish(job_id, status=JobStatus.SUCCEEDED, result=result)
    logger.info("job %s (%s) succeeded", job_id, job.kind)
    return Outcome("succeeded", result=result)


def _finish(
    job_id: int, *, status: str, error: str = "", result: dict[str, Any] | None = None
) -> None:
    _last_progress_write.pop(job_id, None)
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "error": error,
        "finished_at": now,
        "updated_at": now,
    }
    if result is not None:
        fields["result"] = result
    if status == JobStatus.SUCCEEDED:
        # The last progress write may have been throttled away: a finished job is complete.
        fields["done"] = Greatest(F("done"), F("total"))
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**fields)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


# --- Reads ----------------------------------------------------------------------------------


def jobs_visible_to(user: Any, *, status: str | None = None) -> QuerySet[Job]:
    """Jobs `user` may see: those of the organizations they administer (platform admins: all)."""
    queryset = policy.scoped(Job.objects.all(), user, "view")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("org", "created_by").order_by("-created_at", "-id")


def jobs_failed_count(user: Any) -> int:
    return policy.scoped(Job.objects.filter(status=JobStatus.FAILED), user, "view").count()
