"""Console pages of duplicate records (疑似重复): the candidate list with the detection job,
the side-by-side merge page, dismissing a pair and restoring a merged record.

Candidates come through `candidates_visible_to`, so a pair outside the admin's scope is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.alumni import duplicates
from xiaoyou.alumni.forms_identity import MergeForm
from xiaoyou.alumni.models import AlumniRecord, DuplicateCandidate
from xiaoyou.alumni.policy import record_scope
from xiaoyou.alumni.services import merge as merge_services
from xiaoyou.console.context import current_org
from xiaoyou.core import jobs
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.models import Job

PAGE_SIZE = 50


def _candidate(request: HttpRequest, pk: int) -> DuplicateCandidate:
    candidate = duplicates.candidates_visible_to(request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate


def duplicate_list(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    page = Paginator(duplicates.candidates_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "candidate": candidate,
            "reasons": [duplicates.reason_text(reason) for reason in candidate.reasons],
        }
        for candidate in page
    ]
    last_job = (
        jobs.jobs_visible_to(request.user)
        .filter(kind=duplicates.FIND_DUPLICATES_JOB)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "alumni/console/duplicates/list.html",
        {
            "page": page,
            "rows": rows,
            "last_job": last_job,
            "may_run": jobs.may_start(request.user, duplicates.FIND_DUPLICATES_JOB, org),
        },
    )


@require_POST
def duplicates_run(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if not jobs.may_start(request.user, duplicates.FIND_DUPLICATES_JOB, org):
        raise PermissionDenied("find duplicates denied")
    job: Job = duplicates.duplicates_detection_start(actor=request.user, org=org)
    if request.headers.get("HX-Request"):
        job.refresh_from_db()
        response = render(
            request, "console/jobs/_progress.html", {"job": job, "refresh_on_finish": True}
        )
        if job.is_finished:
            # An embedded (eager) run has already finished: show its pairs at once.
            response["HX-Refresh"] = "true"
        return response
    messages.success(request, gettext("Duplicate detection started."))
    return redirect("console:alumni_duplicates")


def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    # ?keep=second keeps the pair's second record; the first (the older) is kept by default.
    if request.GET.get("keep") == "second" or request.POST.get("keep") == "second":
        keep, other, keep_side = candidate.second, candidate.first, "second"
    else:
        keep, other, keep_side = candidate.first, candidate.second, "first"
    rows = merge_services.merge_preview(keep, other)
    form = MergeForm(request.POST or None, rows=rows)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            merge_services.records_merge(
                actor=request.user,
                keep=keep,
                other=other,
                choices=form.choices(),  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(
                request,
                gettext("Merged: %(other)s #%(other_id)s into #%(keep_id)s.")
                % {"other": other.name, "other_id": other.pk, "keep_id": keep.pk},
            )
            return redirect("console:alumni_duplicates")
    return render(
        request,
        "alumni/console/duplicates/merge.html",
        {
            "candidate": candidate,
            "keep": keep,
            "other": other,
            "keep_side": keep_side,
            "rows": [
                (row, form[f"choice_{row['field']}"] if row["differs"] else None) for row in rows
            ],
            "form": form,
            "problem": problem,
            "reasons": [duplicates.reason_text(reason) for reason in candidate.reasons],
        },
    )


@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    try:
        merge_services.duplicate_dismiss(actor=request.user, candidate=candidate)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Marked as not duplicates."))
    return redirect("console:alumni_duplicates")


@require_POST
def record_restore(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_scope(AlumniRecord.objects.filter(pk=pk), request.user).first()
    if record is None:
        raise Http404
    try:
        merge_services.record_merge_undo(actor=request.user, record=record)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Record restored."))
    return redirect("console:alumni_duplicates")


def merged_records(request: HttpRequest) -> HttpResponse:
    """Records merged away, newest first, each restorable."""
    records = (
        record_scope(AlumniRecord.objects.all(), request.user)
        .filter(merged_into__isnull=False, deleted_at__isnull=False)
        .select_related("merged_into")
        .order_by("-deleted_at")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alumni/console/duplicates/merged.html", {"page": page})
