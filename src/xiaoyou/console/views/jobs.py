"""Console pages for background jobs: the list (failures first in sight), detail, live progress."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoyou.core import jobs, policy
from xiaoyou.core.job_tasks import AUDIT_VERIFY, may_see_jobs
from xiaoyou.core.models import Job, JobStatus

PAGE_SIZE = 50


def _jobs_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_jobs(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_job(request: HttpRequest, pk: int) -> Job:
    # Another organization's job is "not found", not "forbidden": its existence is not told.
    job = jobs.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@_jobs_page
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in JobStatus.values:
        status = ""
    page = Paginator(jobs.jobs_visible_to(request.user, status=status or None), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "job": job,
            "label": jobs.kind_label(job.kind),
            "may_retry": policy.can(request.user, "retry", job),
        }
        for job in page.object_list
    ]
    return render(
        request,
        "console/jobs/list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": JobStatus.choices,
            "failed_count": jobs.jobs_failed_count(request.user),
            "may_verify_audit": jobs.may_start(request.user, AUDIT_VERIFY),
        },
    )


@_jobs_page
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    return render(
        request,
        "console/jobs/detail.html",
        {
            "job": job,
            "label": jobs.kind_label(job.kind),
            "may_retry": policy.can(request.user, "retry", job),
        },
    )


@_jobs_page
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar partial; it polls itself until the job has finished.

    `?link=1` keeps the link to the detail page in the partial; `?refresh=1` (the detail page)
    reloads the page once the job has finished so its result shows.
    """
    job = _visible_job(request, pk)
    response = render(
        request,
        "console/jobs/_progress.html",
        {
            "job": job,
            "show_link": "link" in request.GET,
            "refresh_on_finish": "refresh" in request.GET,
        },
    )
    if job.is_finished and "refresh" in request.GET:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@_jobs_page
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    job = jobs.job_retry(job=job, actor=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "console/jobs/_progress.html", {"job": job})
    return redirect("console:job_detail", pk=job.pk)


@require_POST
@_jobs_page
def audit_verify_start(request: HttpRequest) -> HttpResponse:
    """Starts the audit.verify job; htmx gets its live progress bar, others its detail page."""
    job = jobs.job_create(kind=AUDIT_VERIFY, title="", actor=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "console/jobs/_progress.html", {"job": job, "show_link": True})
        response["HX-Push-Url"] = "false"
        return response
    return redirect(reverse("console:job_detail", kwargs={"pk": job.pk}))
