"""Console pages of member imports: one person by a form or many from an .xlsx."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from xiaoyou.core import excel
from xiaoyou.core.errors import ApplicationError
from xiaoyou.organizations.forms_membership import MemberImportFileForm, MemberImportForm
from xiaoyou.organizations.services import importing as import_services
from xiaoyou.organizations.views.console_members import _download, _org

REPORT_TTL = 3600  # seconds an import's error report stays downloadable


# --- Import --------------------------------------------------------------------------------


def member_import(request: HttpRequest) -> HttpResponse:
    """Add people by hand: one person by a form, or many from an .xlsx (all or nothing)."""
    org = _org(request)
    one_form = MemberImportForm(request.POST if request.POST.get("mode") == "one" else None)
    file_form = MemberImportFileForm(
        request.POST if request.POST.get("mode") == "file" else None,
        request.FILES if request.POST.get("mode") == "file" else None,
    )
    problems: list[import_services.ImportProblem] = []
    report_url = ""
    if request.method == "POST":
        rows: list[import_services.ImportRow] | None = None
        try:
            if request.POST.get("mode") == "one" and one_form.is_valid():
                data = one_form.cleaned_data
                rows = [import_services.ImportRow(data["name"], data["phone"], data["student_id"])]
            elif request.POST.get("mode") == "file" and file_form.is_valid():
                rows = import_services.read_import_workbook(file_form.cleaned_data["file"])
            if rows is not None:
                created = import_services.member_import(actor=request.user, org=org, rows=rows)
                messages.success(
                    request, gettext("%(count)d people imported.") % {"count": len(created)}
                )
                return redirect("console:member_list")
        except import_services.MemberImportInvalid as error:
            problems = error.problems
            if request.POST.get("mode") == "one":
                for problem in problems:
                    field = {str(label): key for key, label in import_services.COLUMNS}.get(
                        problem.column
                    )
                    one_form.add_error(field if field in one_form.fields else None, problem.message)
                problems = []
            else:
                token = uuid.uuid4().hex
                cache.set(
                    _report_key(request, token),
                    import_services.import_error_report(problems),
                    timeout=REPORT_TTL,
                )
                report_url = reverse("console:member_import_report", args=[token])
        except ApplicationError as error:
            messages.error(request, error.text())
    return render(
        request,
        "organizations/console/members/import.html",
        {
            "org": org,
            "one_form": one_form,
            "file_form": file_form,
            "problems": problems,
            "report_url": report_url,
        },
        status=400 if problems or (request.method == "POST" and one_form.errors) else 200,
    )


def _report_key(request: HttpRequest, token: str) -> str:
    # Keyed by the user: another admin's link finds nothing.
    return f"member-import-report:{request.user.pk}:{token}"


def member_import_template(request: HttpRequest) -> HttpResponse:
    _org(request)
    return _download(import_services.import_template(), "members-template.xlsx", excel.XLSX_TYPE)


def member_import_report(request: HttpRequest, token: str) -> HttpResponse:
    data = cache.get(_report_key(request, token))
    if data is None:
        raise Http404
    return _download(data, "import-problems.xlsx", excel.XLSX_TYPE)
