"""Hall: the job board (校友招聘) with search by city, industry and type; a job's page with the
application form; posting a job (verified alumni); the poster's jobs and their applications."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.discovery import selectors
from xiaoyou.discovery.forms import ApplicationForm, EnterpriseForm, JobPostingForm
from xiaoyou.discovery.models import Field, JobApplication, JobPosting, PostingKind
from xiaoyou.discovery.services import enterprises as enterprise_services
from xiaoyou.discovery.services import jobs as services

PAGE_SIZE = 20


def job_board(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    filters = {
        "text": request.GET.get("q", "").strip()[:100],
        "city": request.GET.get("city", "").strip()[:60],
        "industry": request.GET.get("industry", "").strip()[:60],
        "kind": kind if kind in PostingKind.values else "",
    }
    page = Paginator(selectors.job_board(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "discovery/hall/job_board.html",
        {
            "page": page,
            "filters": filters,
            "kinds": PostingKind.choices,
            "may_post": request.user.is_authenticated
            and services.posting_org_for(request.user) is not None,
        },
    )


def _posting(request: HttpRequest, pk: int, action: str = "view") -> JobPosting:
    posting = JobPosting.objects.select_related("org", "poster").filter(pk=pk).first()
    if posting is None or not policy.can(request.user, action, posting):
        raise Http404
    return posting


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _posting(request, pk)
    user = request.user
    applied = (
        user.is_authenticated
        and JobApplication.objects.filter(posting=posting, applicant_id=user.pk).exists()
    )
    form = ApplicationForm()
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.job_apply(
                    actor=user,
                    posting=posting,
                    resume=form.cleaned_data["resume"],
                    message=form.cleaned_data["message"],
                )
            except ApplicationError as error:
                form.add_error("resume", error.text())
            else:
                messages.success(request, _("Your application was sent."))
                return redirect("hall:discovery_job", pk=posting.pk)
    return render(
        request,
        "discovery/hall/job_detail.html",
        {
            "posting": posting,
            "form": form,
            "applied": applied,
            "may_apply": user.is_authenticated and policy.can(user, "apply", posting),
            "may_manage": user.is_authenticated and policy.can(user, "manage", posting),
        },
    )


@login_required
def job_create(request: HttpRequest) -> HttpResponse:
    if services.posting_org_for(request.user) is None:
        return render(request, "discovery/hall/verified_only.html", status=403)
    form = JobPostingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.job_posting_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Your job was sent for review."))
            return redirect("hall:discovery_job", pk=posting.pk)
    return render(request, "discovery/hall/job_form.html", {"form": form})


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "discovery/hall/my_jobs.html",
        {"postings": list(selectors.postings_of(request.user))},
    )


@login_required
def job_applications(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _posting(request, pk, "manage")
    return render(
        request,
        "discovery/hall/applications.html",
        {"posting": posting, "applications": list(selectors.applications_for(posting))},
    )


@login_required
def resume_download(request: HttpRequest, pk: int) -> FileResponse:
    application = JobApplication.objects.select_related("posting__org").filter(pk=pk).first()
    if application is None or not policy.can(request.user, "manage", application.posting):
        raise Http404
    return FileResponse(
        application.resume.open("rb"), as_attachment=True, filename=application.resume_name
    )


@login_required
@require_POST
def job_close(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _posting(request, pk, "manage")
    services.job_posting_close(actor=cast(Any, request.user), posting=posting)
    messages.success(request, _("The job is closed."))
    return redirect("hall:discovery_my_jobs")


# --- 校友企业 -----------------------------------------------------------------------------------


def enterprise_directory(request: HttpRequest) -> HttpResponse:
    filters = {
        "text": request.GET.get("q", "").strip()[:100],
        "city": request.GET.get("city", "").strip()[:60],
        "industry": request.GET.get("industry", "").strip()[:60],
    }
    page = Paginator(selectors.enterprise_directory(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "discovery/hall/enterprises.html",
        {
            "page": page,
            "filters": filters,
            "may_register": request.user.is_authenticated
            and services.posting_org_for(request.user) is not None,
        },
    )


@login_required
def enterprise_register(request: HttpRequest) -> HttpResponse:
    if services.posting_org_for(request.user) is None:
        return render(request, "discovery/hall/verified_only.html", status=403)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_services.enterprise_register(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Your enterprise was sent for review."))
            return redirect("hall:discovery_enterprises")
    return render(request, "discovery/hall/enterprise_form.html", {"form": form})


# --- 知名校友 (public profiles) -----------------------------------------------------------------


def notable_directory(request: HttpRequest) -> HttpResponse:
    field = request.GET.get("field", "")
    notables = selectors.public_notables()
    if field in Field.values:
        notables = notables.filter(field=field)
    text = request.GET.get("q", "").strip()[:60]
    if text:
        notables = notables.filter(name__icontains=text)
    page = Paginator(notables.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "discovery/hall/notables.html",
        {"page": page, "fields": Field.choices, "field": field, "text": text},
    )


def notable_profile(request: HttpRequest, pk: int) -> HttpResponse:
    notable = selectors.public_notables().filter(pk=pk).first()
    if notable is None:
        raise Http404
    return render(request, "discovery/hall/notable.html", {"notable": notable})
