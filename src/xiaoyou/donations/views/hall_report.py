"""Hall: 年度报告 — an organization's annual giving report for a year (raised, gifts, donors,
first-time and repeat donors, raised and spent by project, the year's usage reports and
beneficiaries' words), with a year selector, print styles and a PDF download. Public: it shows
only figures and public projects, never a donor's name."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from xiaoyou.donations.selectors_report import AnnualReport, annual_report

FIRST_YEAR = 2000


def _org(org_pk: int) -> Any:
    from xiaoyou.organizations.models import Organization

    org = Organization.objects.filter(pk=org_pk, is_active=True, archived_at__isnull=True).first()
    if org is None:
        raise Http404
    return org


def _report(org_pk: int, year: int) -> AnnualReport:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return annual_report(_org(org_pk), year)


@require_GET
def annual_report_latest(request: HttpRequest, org_pk: int) -> HttpResponse:
    """This year's report, or the year chosen in the selector (?year=)."""
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and len(text) == 4 else timezone.localdate().year
    return redirect("hall:donation_annual_report", org_pk=org_pk, year=year)


@require_GET
def annual_report_page(request: HttpRequest, org_pk: int, year: int) -> HttpResponse:
    report = _report(org_pk, year)
    return render(request, "donations/hall/annual_report.html", {"report": report})


@require_GET
def annual_report_pdf(request: HttpRequest, org_pk: int, year: int) -> HttpResponse:
    from xiaoyou.core.pdf import html_to_pdf

    report = _report(org_pk, year)
    pdf = html_to_pdf(render_to_string("donations/annual_report_pdf.html", {"report": report}))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="annual-report-{report.org.pk}-{report.year}.pdf"'
    )
    return response
