"""Console: donation projects (发起项目/项目管理) of the current organization and below — list,
create and edit, publish, close; usage reports (项目报告)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.donations.forms import ProjectForm, project_initial
from xiaoyou.donations.models import DonationProject, ProjectStatus
from xiaoyou.donations.selectors import donor_count, projects_managed_by, transparency
from xiaoyou.payments.money import format_yuan, yuan_to_fen


def managed_project(request: HttpRequest, pk: int) -> DonationProject:
    project = projects_managed_by(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def _progress(project: DonationProject) -> str:
    raised = format_yuan(project.raised_amount)
    if not project.target_amount:
        return raised
    return f"{raised} / {format_yuan(project.target_amount)} ({project.progress_percent}%)"


def project_list(request: HttpRequest) -> HttpResponse:
    """项目列表: one query for the page (organization joined)."""
    orgs = org_choices(request)

    def edit_url(project: DonationProject) -> str:
        return reverse("console:donation_project", args=[project.pk])

    table = DataTable(
        request,
        in_current_org(projects_managed_by(request.user), request),
        columns=[
            Column("title", gettext_lazy("Name"), link=edit_url, sort="title"),
            Column("org__name", gettext_lazy("Organization")),
            Column(
                "raised_amount",
                gettext_lazy("Raised (yuan)"),
                accessor=_progress,
                align="num",
                sort="raised_amount",
            ),
            Column("donation_count", gettext_lazy("Gifts"), align="num", sort="donation_count"),
            Column("ends_at", gettext_lazy("Ends at"), sort="ends_at"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "org",
                gettext_lazy("Organization"),
                kind="select",
                lookup=lambda queryset, value: queryset.filter(org__path__startswith=value),
                choices=[(org.path, str(org)) for org in orgs],
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=ProjectStatus.choices,
            ),
        ],
        search_fields=["title", "beneficiary"],
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No donation projects yet"),
        empty_text=gettext_lazy("Create a project to start raising."),
    )
    if table.export_format:
        return table.export_response("donation-projects")
    return render(request, "donations/console/project_list.html", {"table": table})


def project_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, managed_project(request, pk))


def _edit(request: HttpRequest, project: DonationProject | None) -> HttpResponse:
    from xiaoyou.donations.services.projects import project_create, project_update

    if project is None:
        org = current_org(request)
        initial: dict[str, Any] = {"org": getattr(org, "pk", "")}
    else:
        initial = project_initial(project)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProjectForm(data, files, initial=initial, orgs=org_choices(request))
    if project is not None:
        form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = project_create(
                    actor=request.user, org=form.cleaned_data["org"], **form.project_fields()
                )
            else:
                project_update(actor=request.user, project=project, **form.project_fields())
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:donation_project", pk=project.pk)
    context: dict[str, Any] = {"project": project, "form": form}
    if project is not None:
        context.update(transparency(project))
        context["donors"] = donor_count(project)
    return render(request, "donations/console/project_form.html", context)


@require_POST
def project_publish(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.projects import project_close, project_publish

    project = managed_project(request, pk)
    if request.POST.get("action") == "close":
        project_close(actor=request.user, project=project)
        messages.success(request, _("The project is closed: it takes no more gifts."))
    else:
        project_publish(actor=request.user, project=project)
        messages.success(request, _("The project is published."))
    return redirect("console:donation_project", pk=project.pk)


@require_POST
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.donations.services.projects import report_add as add

    project = managed_project(request, pk)
    try:
        spent = yuan_to_fen(request.POST.get("spent") or "0")
    except ValueError:
        messages.error(
            request, _("Enter an amount in yuan with at most two decimals, e.g. 50 or 66.60.")
        )
        return redirect("console:donation_project", pk=project.pk)
    upload = request.FILES.get("file")
    if upload is not None and not _report_file_ok(upload):
        messages.error(request, _("Reports are PDF files or images of at most 20 MB."))
        return redirect("console:donation_project", pk=project.pk)
    try:
        add(
            actor=request.user,
            project=project,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            file=upload,
            spent_amount=spent,
            period=request.POST.get("period", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Report added; donors are told."))
    return redirect("console:donation_project", pk=project.pk)


def _report_file_ok(upload: Any) -> bool:
    """A PDF (by its magic bytes) or a real image, at most 20 MB."""
    from django.core.exceptions import ValidationError

    from xiaoyou.core.images import image_validate

    limit = 20 * 1024 * 1024
    if upload.size > limit:
        return False
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        upload.name = "report.pdf"
        return True
    try:
        image_validate(upload, max_bytes=limit)
    except ValidationError:
        return False
    upload.seek(0)
    return True
