"""Browser journey: a long job's live progress bar, driven by a real Celery worker.

The page polls the progress partial with htmx while the worker writes progress to the Job row;
the bar moves, stops polling when the job has finished and the detail page then shows the result.
"""

from __future__ import annotations

import pytest

from tests.core import job_kinds_for_tests  # registers the test.* job kinds
from xiaoyou.core import jobs
from xiaoyou.core.models import Job, JobStatus

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

assert job_kinds_for_tests.run_count is not None


@pytest.fixture
def celery_worker_imports() -> list[str]:
    return ["tests.core.job_kinds_for_tests"]


def test_progress_bar_follows_a_running_job(
    celery_worker_process, desktop_page, sign_in, screenshot, org_tree, platform_admin
):
    page = desktop_page
    sign_in(page, platform_admin)
    job = jobs.job_create(
        kind="test.count",
        title="导入校友档案",
        actor=platform_admin,
        org=org_tree.college,
        params={"total": 30, "pause": 0.15},
    )
    page.goto(f"/console/jobs/{job.pk}/")
    block = page.locator(f"#job-progress-{job.pk}")
    # While it runs, the bar shows a value strictly between 0 and 100.
    page.wait_for_function(
        """id => { const bar = document.querySelector(`#job-progress-${id} [role=progressbar]`);
                 const value = bar && Number(bar.getAttribute('aria-valuenow'));
                 return value > 0 && value < 100; }""",
        arg=job.pk,
        timeout=20_000,
    )
    screenshot(page, "jobs-progress-running-desktop")
    # When the job has finished the page reloads once (HX-Refresh) and shows the result.
    page.wait_for_selector(f'#job-progress-{job.pk}[data-status="succeeded"]', timeout=30_000)
    page.wait_for_selector(".job-result", timeout=10_000)
    assert block.get_attribute("hx-trigger") is None
    assert (
        page.locator(f"#job-progress-{job.pk} [role=progressbar]").get_attribute("aria-valuenow")
        == "100"
    )
    assert page.locator(".job-result dd").first.inner_text() == "30"
    screenshot(page, "jobs-progress-finished-desktop")
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 30, 30)


def test_verify_audit_log_button_runs_in_the_worker(
    celery_worker_process, mobile_page, sign_in, screenshot, org_tree, platform_admin
):
    page = mobile_page
    sign_in(page, platform_admin)
    page.goto("/console/jobs/")
    page.locator('form[action$="/jobs/verify-audit-log"] button').click()
    progress = page.locator("#audit-verify-progress .job-progress")
    progress.wait_for(timeout=10_000)
    page.wait_for_selector(
        '#audit-verify-progress .job-progress[data-status="succeeded"]', timeout=30_000
    )
    job = Job.objects.get(kind="audit.verify")
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["ok"] is True
    assert progress.locator(f'a[href="/console/jobs/{job.pk}/"]').count() == 1
    screenshot(page, "jobs-verify-audit-mobile", full_page=True)
    assert f"job {job.pk} (audit.verify) succeeded" in celery_worker_process.log()
