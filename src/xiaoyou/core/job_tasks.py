"""Celery tasks of the job machinery, and the foundation's own job kinds and schedules.

Imported from CoreConfig.ready(), so every process that sets Django up (web, worker, beat)
registers these tasks with the one Celery app.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from xiaoyou.core import jobs, policy, schedules
from xiaoyou.core.jobs import JobContext, JobError
from xiaoyou.core.models import Job
from xiaoyou.core.registry import NavEntry, console_nav

logger = logging.getLogger(__name__)

AUDIT_VERIFY = "audit.verify"
JOB_RETENTION_DAYS = 90


@shared_task(bind=True, name="xiaoyou.core.run_job", acks_late=True, max_retries=None)
def run_job(self: Any, job_id: int) -> str:
    """Runs one attempt of a Job row; a failed attempt comes back here after `countdown` s."""
    retries = self.request.retries
    while True:
        outcome = jobs.job_run(job_id, retries=retries)
        if outcome.status != "retrying":
            return outcome.status
        if not self.request.is_eager:
            raise self.retry(countdown=outcome.countdown, max_retries=outcome.max_retries)
        # Eager mode (tests): Celery would raise Retry into the caller, so retry inline and
        # without the wait; the attempts and the row's states are the same as in a worker.
        retries += 1


@shared_task(name="xiaoyou.core.verify_audit_chain")
def verify_audit_chain() -> int:
    """Nightly: starts an audit.verify job, so the result shows in the console's job list."""
    job = jobs.job_create(kind=AUDIT_VERIFY, title=str(_("Nightly audit log check")), actor=None)
    return job.pk


@shared_task(name="xiaoyou.core.cleanup_jobs")
def cleanup_jobs(days: int = JOB_RETENTION_DAYS) -> int:
    """Daily: forgets finished jobs older than `days` days."""
    deleted = jobs.jobs_delete_finished(older_than=timedelta(days=days))
    logger.info("deleted %s finished jobs older than %s days", deleted, days)
    return deleted


@shared_task(name="xiaoyou.core.requeue_stale_jobs")
def requeue_stale_jobs(minutes: int = 60) -> int:
    """Hourly: sends again jobs whose message seems lost (see jobs.jobs_requeue_stale)."""
    return len(jobs.jobs_requeue_stale(older_than=timedelta(minutes=minutes)))


def run_audit_verification(context: JobContext) -> dict[str, Any]:
    """Recomputes the audit log's hash chain; a broken chain fails the job (no retry)."""
    from xiaoyou.core.audit import verify_chain

    outcome = verify_chain(on_progress=context.progress)
    result = outcome.as_dict()
    if not outcome.ok:
        logger.error("audit chain broken: %s", result)
        raise JobError(outcome.message or outcome.reason, result=result)
    return result


def _is_platform_admin(user: Any, org: Any = None) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _is_staff(user: Any, job: Job) -> bool:
    return bool(user.is_staff)


def may_see_jobs(user: Any) -> bool:
    """Staff who administer some organization (platform admins included) see the job list."""
    from xiaoyou.organizations.selectors import role_paths

    if not (user.is_authenticated and user.is_staff and user.is_active):
        return False
    return bool(user.is_superuser or role_paths(user, "admin"))


def register() -> None:
    from xiaoyou.organizations.models import Role

    # A job belongs to its organization's admins; a job of no organization to platform admins.
    policy.register(Job, "view", role=Role.ADMIN, check=_is_staff)
    policy.register(Job, "retry", role=Role.ADMIN, check=_is_staff)

    # The chain spans every organization, so only platform admins check it.
    jobs.register_job(
        AUDIT_VERIFY,
        run_audit_verification,
        _("Verify audit log"),
        _is_platform_admin,
        max_retries=2,
        backoff=60,
    )

    schedules.schedule(
        "core.audit-verify-nightly",
        "xiaoyou.core.verify_audit_chain",
        crontab="30 2 * * *",
        description="Verify the audit log's hash chain every night at 02:30.",
    )
    schedules.schedule(
        "core.cleanup-jobs-daily",
        "xiaoyou.core.cleanup_jobs",
        crontab="0 4 * * *",
        kwargs={"days": JOB_RETENTION_DAYS},
        description="Delete finished background jobs older than 90 days, daily at 04:00.",
    )

    schedules.schedule(
        "core.requeue-stale-jobs",
        "xiaoyou.core.requeue_stale_jobs",
        crontab="7 * * * *",
        kwargs={"minutes": 60},
        description="Send again jobs whose message seems lost, hourly.",
    )

    console_nav.add(
        NavEntry(
            key="jobs",
            label=_("Background jobs"),
            url_name="console:jobs",
            icon="activity",
            section=_("System"),
            order=910,
            permission=may_see_jobs,
        )
    )
