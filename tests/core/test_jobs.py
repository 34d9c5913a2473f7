"""Background jobs: claim, progress, retries with backoff, the console pages, real workers."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tests.core import job_kinds_for_tests
from xiaoyou.core import jobs
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.job_tasks import AUDIT_VERIFY, cleanup_jobs, run_job, verify_audit_chain
from xiaoyou.core.models import AuditEntry, Job, JobStatus
from xiaoyou.core.registry import console_nav


@pytest.fixture
def celery_worker_imports() -> list[str]:
    return ["tests.core.job_kinds_for_tests"]


def make_job(
    kind: str = "test.count", *, org=None, status: str = JobStatus.QUEUED, **fields
) -> Job:
    """A job row without enqueueing it (the tests drive the run themselves)."""
    fields.setdefault("params", {"total": 3})
    fields.setdefault("title", kind)
    return Job.objects.create(kind=kind, org=org, status=status, **fields)


def wait_for(
    job: Job, predicate, *, timeout: float = 30.0, interval: float = 0.02
) -> list[tuple[str, int]]:
    """Polls the row until `predicate(job)`; returns the (status, done) pairs seen on the way."""
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if not seen or seen[-1] != (job.status, job.done):
            seen.append((job.status, job.done))
        if predicate(job):
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job.pk} still {job.status} after {timeout}s; seen {seen}")
        time.sleep(interval)


def finished(job: Job) -> bool:
    return job.is_finished


# --- Registry, creation, permissions ---------------------------------------------------------


@pytest.mark.django_db
def test_job_create_enqueues_on_commit_and_runs(platform_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_create(
            kind="test.count", title="Count", actor=platform_admin, params={"total": 4}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.created_by == platform_admin
    assert len(callbacks) == 1
    callbacks[0]()  # eager Celery: the task runs here
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == (JobStatus.SUCCEEDED, 4, 4, 1)
    assert job.result == {"counted": 4}
    assert job.started_at is not None and job.finished_at is not None
    assert AuditEntry.objects.filter(action="job.create", object_id=str(job.pk)).count() == 1


@pytest.mark.django_db
def test_unknown_kind_and_forbidden_start_are_refused(platform_admin, verified_alumnus):
    with pytest.raises(ApplicationError) as error:
        jobs.job_create(kind="no.such.kind", title="", actor=platform_admin)
    assert error.value.code == "job_kind_unknown"
    with pytest.raises(PermissionDenied):
        jobs.job_create(kind="test.count", title="", actor=verified_alumnus)
    with pytest.raises(PermissionDenied):
        jobs.job_create(kind=AUDIT_VERIFY, title="", actor=verified_alumnus)
    assert Job.objects.count() == 0


def test_register_job_rejects_nonsense_settings():
    with pytest.raises(ValueError, match="must be positive"):
        jobs.register_job(
            "test.bad", job_kinds_for_tests.run_count, "Bad", lambda user, org: True, max_retries=-1
        )


def test_backoff_doubles_and_is_capped():
    kind = jobs.JobKind(
        kind="x",
        runner=job_kinds_for_tests.run_count,
        label="x",
        permission=lambda user, org: True,
        backoff=30,
        backoff_max=200,
    )
    assert [kind.retry_delay(n) for n in range(5)] == [30.0, 60.0, 120.0, 200.0, 200.0]


# --- Claim ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_takes_a_queued_job_once():
    job = make_job()
    assert jobs.job_claim(job.pk) is True
    assert jobs.job_claim(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)


@pytest.mark.django_db
def test_claim_takes_retrying_but_not_finished_jobs():
    retrying = make_job(status=JobStatus.RETRYING, attempts=1)
    succeeded = make_job(status=JobStatus.SUCCEEDED)
    failed = make_job(status=JobStatus.FAILED)
    assert jobs.job_claim(retrying.pk) is True
    assert jobs.job_claim(succeeded.pk) is False
    assert jobs.job_claim(failed.pk) is False
    retrying.refresh_from_db()
    assert retrying.attempts == 2


@pytest.mark.django_db
def test_claim_takes_over_an_orphaned_running_job_only_when_stale():
    job = make_job(status=JobStatus.RUNNING, attempts=1)
    assert jobs.job_claim(job.pk, stale_after=60) is False
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(seconds=61))
    assert jobs.job_claim(job.pk, stale_after=60) is True
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 2)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_never_both_win():
    """Two threads (two database connections) claim each job at the same instant."""
    job_ids = [make_job().pk for _ in range(10)]
    for job_id in job_ids:
        barrier = threading.Barrier(2)
        results: list[bool] = []

        def claim(job_id: int = job_id, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait()
                results.append(jobs.job_claim(job_id))
            finally:
                connection.close()

        threads = [threading.Thread(target=claim) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True]
    assert sorted(Job.objects.values_list("attempts", flat=True)) == [1] * 10


# --- Progress ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_writes_are_throttled_but_the_final_value_always_lands(monkeypatch):
    job = make_job(status=JobStatus.RUNNING)
    clock = [1000.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock[0])
    assert jobs.progress(job.pk, 1, 10) is True
    assert jobs.progress(job.pk, 2, 10) is False  # within PROGRESS_INTERVAL: skipped
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 10)
    clock[0] += jobs.PROGRESS_INTERVAL
    assert jobs.progress(job.pk, 3, 10) is True
    assert jobs.progress(job.pk, 10, 10) is True  # final: written at once
    job.refresh_from_db()
    assert (job.done, job.total) == (10, 10)


@pytest.mark.django_db
def test_progress_does_not_touch_a_job_that_is_not_running():
    job = make_job(status=JobStatus.SUCCEEDED, done=5, total=5)
    jobs.progress(job.pk, 1, 9)
    job.refresh_from_db()
    assert (job.done, job.total) == (5, 5)


# --- Running, retries, failure (eager) ----------------------------------------------------


@pytest.mark.django_db
def test_failed_attempt_marks_retrying_with_a_doubling_countdown():
    job = make_job("test.flaky", params={"succeed_on_attempt": 9})
    outcome = jobs.job_run(job.pk, retries=0)
    assert (outcome.status, outcome.countdown, outcome.max_retries) == ("retrying", 0.5, 3)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RETRYING, 1)
    assert job.error == "RuntimeError: flaky failure on attempt 1"
    outcome = jobs.job_run(job.pk, retries=2)
    assert (outcome.status, outcome.countdown) == ("retrying", 2.0)


@pytest.mark.django_db
def test_eager_task_retries_until_success():
    job = make_job("test.flaky", params={"succeed_on_attempt": 3})
    run_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 3, "")
    assert job.result == {"succeeded_on_attempt": 3}


@pytest.mark.django_db
def test_eager_task_gives_up_after_max_retries():
    job = make_job("test.broken", params={})
    result = run_job.apply(args=[job.pk])
    assert result.get() == "failed"
    job.refresh_from_db()
    # max_retries=2: the first attempt and two retries.
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "ValueError: the printer is on fire"
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_finished_job_is_not_run_again():
    job = make_job(status=JobStatus.SUCCEEDED, attempts=1)
    assert run_job.apply(args=[job.pk]).get() == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_job_of_an_unknown_kind_fails_visibly():
    job = make_job("gone.kind", params={})
    assert run_job.apply(args=[job.pk]).get() == "failed"
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "Unknown job kind 'gone.kind'")


@pytest.mark.django_db
def test_audit_verify_job_checks_the_chain(
    platform_admin, org_tree, django_capture_on_commit_callbacks
):
    # Writes by the fixtures and the job's own creation are all in the chain.
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_create(kind=AUDIT_VERIFY, title="", actor=platform_admin)
    job.refresh_from_db()
    entries = AuditEntry.objects.count()
    assert entries >= 1
    assert job.status == JobStatus.SUCCEEDED
    assert job.title == gettext("Verify audit log")
    assert job.result["ok"] is True
    assert job.result["checked"] == entries
    assert (job.done, job.total) == (entries, entries)


@pytest.mark.django_db
def test_audit_verify_job_fails_without_retry_when_the_chain_is_broken(platform_admin, org_tree):
    from xiaoyou.core import audit

    audit.record(actor=platform_admin, action="test.one", obj=org_tree.college)
    entry = audit.record(actor=platform_admin, action="test.two", obj=org_tree.college)
    # Tamper below the application, as an attacker with database access would (on PostgreSQL
    # past the append-only trigger, switched off inside this test's transaction only).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
            )
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s", ["test.changed", entry.pk]
        )
    job = make_job(AUDIT_VERIFY, params={})
    run_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.result["ok"] is False
    assert job.result["broken_entry_id"] == entry.pk
    assert job.error == job.result["message"]


@pytest.mark.django_db
def test_nightly_task_starts_an_audit_verify_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = verify_audit_chain.apply().get()
    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.created_by, job.status) == (AUDIT_VERIFY, None, JobStatus.SUCCEEDED)


@pytest.mark.django_db
def test_cleanup_deletes_only_old_finished_jobs():
    old = timezone.now() - timedelta(days=91)
    recent = timezone.now() - timedelta(days=89)
    old_succeeded = make_job(status=JobStatus.SUCCEEDED, finished_at=old)
    old_failed = make_job(status=JobStatus.FAILED, finished_at=old)
    kept = [
        make_job(status=JobStatus.SUCCEEDED, finished_at=recent),
        make_job(status=JobStatus.RUNNING),
        make_job(status=JobStatus.RETRYING, finished_at=old),
    ]
    assert cleanup_jobs.apply(kwargs={"days": 90}).get() == 2
    assert not Job.objects.filter(pk__in=[old_succeeded.pk, old_failed.pk]).exists()
    assert set(Job.objects.values_list("pk", flat=True)) == {job.pk for job in kept}


@pytest.mark.django_db
def test_stale_jobs_are_sent_again_and_run_once(django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=2)
    lost_queued = make_job(params={"total": 2})
    orphaned = make_job(status=JobStatus.RUNNING, attempts=1, params={"total": 2})
    fresh_queued = make_job(params={"total": 2})
    alive = make_job(status=JobStatus.RUNNING, attempts=1, params={"total": 2})
    done = make_job(status=JobStatus.SUCCEEDED, attempts=1)
    Job.objects.filter(pk__in=[lost_queued.pk, orphaned.pk, done.pk]).update(updated_at=long_ago)
    # test.count's stale_after is the default hour; the orphan's last write is two hours old.
    requeued = jobs.jobs_requeue_stale(older_than=timedelta(hours=1))
    assert sorted(requeued) == sorted([lost_queued.pk, orphaned.pk])
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses[lost_queued.pk] == JobStatus.SUCCEEDED  # eager: ran right away
    assert statuses[orphaned.pk] == JobStatus.SUCCEEDED
    assert statuses[fresh_queued.pk] == JobStatus.QUEUED
    assert statuses[alive.pk] == JobStatus.RUNNING
    assert Job.objects.get(pk=orphaned.pk).attempts == 2


# --- Retry by staff, visibility ----------------------------------------------------------


@pytest.mark.django_db
def test_admin_retries_a_failed_job_of_their_org(
    org_tree, college_admin, django_capture_on_commit_callbacks
):
    job = make_job(
        "test.flaky",
        org=org_tree.club,
        status=JobStatus.FAILED,
        attempts=4,
        params={"succeed_on_attempt": 5},
        error="RuntimeError: boom",
        finished_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(job=job, actor=college_admin)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 5, "")
    assert AuditEntry.objects.filter(action="job.retry", object_id=str(job.pk)).count() == 1


@pytest.mark.django_db
def test_retry_is_refused_for_other_orgs_and_unfailed_jobs(org_tree, college_admin, platform_admin):
    other = make_job(org=org_tree.other_college, status=JobStatus.FAILED)
    with pytest.raises(PermissionDenied):
        jobs.job_retry(job=other, actor=college_admin)
    running = make_job(org=org_tree.college, status=JobStatus.RUNNING)
    with pytest.raises(ApplicationError) as error:
        jobs.job_retry(job=running, actor=platform_admin)
    assert error.value.code == "job_not_failed"
    running.refresh_from_db()
    assert running.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_jobs_visible_by_org_subtree(
    org_tree, platform_admin, college_admin, regional_admin, verified_alumnus
):
    college = make_job(org=org_tree.college)
    club = make_job(org=org_tree.club)
    other = make_job(org=org_tree.other_college)
    system = make_job(org=None)
    assert set(jobs.jobs_visible_to(college_admin)) == {college, club}
    assert set(jobs.jobs_visible_to(regional_admin)) == set()
    assert set(jobs.jobs_visible_to(platform_admin)) == {college, club, other, system}
    assert set(jobs.jobs_visible_to(verified_alumnus)) == set()


# --- Console pages -------------------------------------------------------------------------


def console_client(client, user):
    """Signs `user` in; staff get a TOTP authenticator, without which the console is closed."""
    from allauth.mfa.models import Authenticator

    if user.is_staff:
        Authenticator.objects.get_or_create(
            user=user,
            type=Authenticator.Type.TOTP,
            defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
        )
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_console_nav_has_background_jobs(platform_admin, college_admin, verified_alumnus):
    entry = console_nav.items["jobs"]
    assert (str(entry.label), entry.url_name) == (gettext("Background jobs"), "console:jobs")
    assert entry.permission(platform_admin) is True
    assert entry.permission(college_admin) is True
    assert entry.permission(verified_alumnus) is False


@pytest.mark.django_db
def test_job_list_shows_failed_jobs_prominently_and_filters(client, org_tree, college_admin):
    make_job(org=org_tree.college, status=JobStatus.SUCCEEDED, title="Import done")
    failed = make_job(
        org=org_tree.club,
        status=JobStatus.FAILED,
        title="Import broke",
        error="ValueError: row 7 has no name",
    )
    make_job(org=org_tree.other_college, status=JobStatus.FAILED, title="Not mine")
    response = console_client(client, college_admin).get(reverse("console:jobs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        ngettext("%(counter)s job failed.", "%(counter)s jobs failed.", 1) % {"counter": 1} in html
    )
    assert "ValueError: row 7 has no name" in html
    assert "Import done" in html and "Not mine" not in html
    assert reverse("console:job_retry", args=[failed.pk]) in html
    assert gettext("Verify audit log") not in html  # platform admins only
    response = client.get(reverse("console:jobs"), {"status": "failed"})
    assert [row["job"].pk for row in response.context["rows"]] == [failed.pk]


@pytest.mark.django_db
def test_job_list_query_count_does_not_grow_with_rows(
    client, org_tree, platform_admin, django_assert_max_num_queries
):
    console_client(client, platform_admin)
    for index in range(3):
        make_job(org=org_tree.college, title=f"job {index}", created_by=platform_admin)
    client.get(reverse("console:jobs"))  # warm caches (session, roles)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("console:jobs"))
    for index in range(30):
        make_job(org=org_tree.club, title=f"more {index}", created_by=platform_admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("console:jobs"))
    assert len(response.context["rows"]) == 33


@pytest.mark.django_db
def test_job_pages_are_closed_to_other_orgs_and_non_staff(
    client, org_tree, regional_admin, verified_alumnus
):
    job = make_job(org=org_tree.college, status=JobStatus.FAILED)
    console_client(client, regional_admin)
    for name in ("console:job_detail", "console:job_progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("console:job_retry", args=[job.pk])).status_code == 404
    assert client.post(reverse("console:job_audit_verify")).status_code == 403
    console_client(client, verified_alumnus)
    assert client.get(reverse("console:jobs")).status_code == 403
    client.logout()
    response = client.get(reverse("console:jobs"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_progress_partial_polls_until_finished(client, org_tree, college_admin):
    job = make_job(org=org_tree.college, status=JobStatus.RUNNING, done=3, total=12)
    console_client(client, college_admin)
    url = reverse("console:job_progress", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{url}"' in html
    assert 'class="progress-bar" style="width: 25%"' in html
    assert "3 / 12" in html
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, done=12)
    response = client.get(url + "?refresh=1")
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert 'style="width: 100%"' in html
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_detail_shows_error_result_and_retry(client, org_tree, college_admin):
    job = make_job(
        "test.broken",
        org=org_tree.college,
        status=JobStatus.FAILED,
        attempts=3,
        error="ValueError: the printer is on fire",
        result={"checked": 7},
    )
    html = (
        console_client(client, college_admin)
        .get(reverse("console:job_detail", args=[job.pk]))
        .content.decode()
    )
    assert "ValueError: the printer is on fire" in html
    assert "Broken (test)" in html
    assert "<dt>checked</dt><dd>7</dd>" in html
    assert reverse("console:job_retry", args=[job.pk]) in html
    assert (
        f'hx-get="{reverse("console:job_progress", args=[job.pk])}?refresh=1"' not in html
    )  # finished


@pytest.mark.django_db
def test_retry_button_requeues_the_job(
    client, org_tree, college_admin, django_capture_on_commit_callbacks
):
    job = make_job("test.count", org=org_tree.college, status=JobStatus.FAILED, params={"total": 2})
    console_client(client, college_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:job_retry", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.SUCCEEDED, 2)


@pytest.mark.django_db
def test_verify_audit_log_button_starts_the_job_and_shows_progress(
    client, org_tree, platform_admin, django_capture_on_commit_callbacks
):
    console_client(client, platform_admin)
    assert gettext("Verify audit log") in client.get(reverse("console:jobs")).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("console:job_audit_verify"), HTTP_HX_REQUEST="true")
    job = Job.objects.get(kind=AUDIT_VERIFY)
    html = response.content.decode()
    assert f'id="job-progress-{job.pk}"' in html
    assert f'hx-get="{reverse("console:job_progress", args=[job.pk])}?link=1"' in html
    assert 'hx-trigger="every 1s"' in html
    for callback in callbacks:
        callback()
    html = client.get(reverse("console:job_progress", args=[job.pk]) + "?link=1").content.decode()
    assert "hx-trigger" not in html and gettext("Succeeded") in html
    assert reverse("console:job_detail", args=[job.pk]) in html


# --- Real worker processes ------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_job_runs_in_a_real_worker_and_reports_progress(
    celery_worker_process, client, org_tree, platform_admin
):
    job = jobs.job_create(
        kind="test.count",
        title="Count",
        actor=platform_admin,
        org=org_tree.college,
        params={"total": 20, "pause": 0.1},
    )
    console_client(client, platform_admin)
    url = reverse("console:job_progress", args=[job.pk])
    wait_for(job, lambda job: job.status == JobStatus.RUNNING and 0 < job.done < 20)
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()
    seen = wait_for(job, finished)
    assert (job.status, job.done, job.total, job.attempts) == (JobStatus.SUCCEEDED, 20, 20, 1)
    assert job.result == {"counted": 20}
    # The bar moved through intermediate values, throttled to a few writes.
    intermediate = [done for status, done in seen if status == JobStatus.RUNNING and 0 < done < 20]
    # At most one write per PROGRESS_INTERVAL (plus the first), not one per step.
    running_seconds = (job.finished_at - job.started_at).total_seconds()
    assert 1 <= len(intermediate) <= running_seconds / jobs.PROGRESS_INTERVAL + 2
    assert len(intermediate) < 19
    assert "hx-trigger" not in client.get(url).content.decode()
    assert f"job {job.pk} (test.count) succeeded" in celery_worker_process.log()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_with_backoff_then_succeeds(celery_worker_process, platform_admin):
    job = jobs.job_create(
        kind="test.flaky", title="Flaky", actor=platform_admin, params={"succeed_on_attempt": 3}
    )
    seen = wait_for(job, finished)
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 3, "")
    assert job.result == {"succeeded_on_attempt": 3}
    assert (JobStatus.RETRYING, 0) in seen
    log = celery_worker_process.log()
    # backoff=0.5: the first retry waits 0.5 s, the second 1 s.
    assert f"job {job.pk} (test.flaky) attempt 1 failed, retry in 0.5s" in log
    assert f"job {job.pk} (test.flaky) attempt 2 failed, retry in 1.0s" in log
    assert (job.finished_at - job.created_at).total_seconds() >= 1.5


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_gives_up_and_the_console_lists_the_failure(
    celery_worker_process, client, org_tree, college_admin
):
    job = jobs.job_create(
        kind="test.broken", title="Broken import", actor=college_admin, org=org_tree.college
    )
    wait_for(job, finished)
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "ValueError: the printer is on fire"
    html = (
        console_client(client, college_admin)
        .get(reverse("console:jobs"), {"status": "failed"})
        .content.decode()
    )
    assert "Broken import" in html
    assert "ValueError: the printer is on fire" in html
    assert reverse("console:job_retry", args=[job.pk]) in html


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_never_run_the_same_job(
    start_celery_worker, tmp_path: Path, platform_admin
):
    first, second = start_celery_worker("first"), start_celery_worker("second")
    marker = tmp_path / "runs.txt"
    job = jobs.job_create(
        kind="test.once",
        title="Once",
        actor=platform_admin,
        params={"marker": str(marker), "pause": 2.0},
    )
    # Duplicate deliveries of the same job, as a redelivery after a lost ack would make.
    jobs.job_enqueue(job.pk)
    jobs.job_enqueue(job.pk)
    wait_for(job, finished)
    deadline = time.monotonic() + 30
    while (first.log() + second.log()).count("succeeded in") < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = first.log() + second.log()
    assert logs.count("xiaoyou.core.run_job[") >= 3
    assert logs.count(f"job {job.pk} not claimed") == 2
    assert marker.read_text() == f"run of job {job.pk}\n"
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
