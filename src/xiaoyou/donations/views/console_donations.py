"""Console: donation records (捐赠管理) of the current organization's projects and below —
filters, search, export to Excel; a gift's certificate. Refunds go through the payments
console (the gift's order), which reverses the project's totals."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from xiaoyou.console.context import in_current_org
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.donations.models import Donation, DonationStatus
from xiaoyou.donations.selectors import donations_managed_by, projects_managed_by
from xiaoyou.payments.money import format_yuan


def _in_org(request: HttpRequest) -> QuerySet[Donation]:
    queryset = donations_managed_by(request.user)
    projects = in_current_org(projects_managed_by(request.user), request).values("pk")
    return queryset.filter(project_id__in=projects)


def donation_list(request: HttpRequest) -> HttpResponse:
    projects = list(
        in_current_org(projects_managed_by(request.user), request).values_list("pk", "title")
    )

    def certificate_url(donation: Donation) -> str:
        return reverse("console:donation_certificate", args=[donation.pk])

    table = DataTable(
        request,
        _in_org(request),
        columns=[
            Column("paid_at", gettext_lazy("Paid at"), sort="paid_at"),
            Column("donor_name", gettext_lazy("Donor"), sort="donor_name"),
            Column("class_label", gettext_lazy("Class")),
            Column("project__title", gettext_lazy("Project")),
            Column(
                "amount",
                gettext_lazy("Amount (yuan)"),
                accessor=lambda gift: format_yuan(gift.amount),
                align="num",
                sort="amount",
            ),
            Column(
                "refunded_amount",
                gettext_lazy("Refunded (yuan)"),
                accessor=lambda gift: format_yuan(gift.refunded_amount),
                align="num",
            ),
            Column("is_anonymous", gettext_lazy("Anonymous")),
            Column("phone", gettext_lazy("Mobile phone")),
            Column("email", gettext_lazy("Email")),
            Column("message", gettext_lazy("Message")),
            Column("status", gettext_lazy("Status"), badge=True, sort="status"),
            Column("certificate_number", gettext_lazy("Certificate"), link=certificate_url),
            Column("payment__out_trade_no", gettext_lazy("Order number")),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=DonationStatus.choices,
            ),
            Filter(
                "project",
                gettext_lazy("Project"),
                kind="select",
                lookup="project_id",
                choices=[(str(pk), title) for pk, title in projects],
            ),
            Filter("since", gettext_lazy("From"), kind="date", lookup="paid_at__date__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="paid_at__date__lte"),
            Filter("first", gettext_lazy("First gift"), kind="boolean", lookup="is_first_gift"),
        ],
        search_fields=["donor_name", "phone", "email", "class_label", "certificate_number"],
        search_placeholder=gettext_lazy("Donor, phone, email, class or certificate number"),
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No gifts yet"),
        empty_text=gettext_lazy("Gifts appear here once donors start giving."),
    )
    if table.export_format:
        return table.export_response("donations")
    return render(request, "donations/console/donation_list.html", {"table": table})


def donation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoyou.core.errors import ApplicationError
    from xiaoyou.donations.services.certificates import certificate_pdf

    donation = _in_org(request).filter(pk=pk).first()
    if donation is None:
        raise Http404
    try:
        pdf = certificate_pdf(donation, base_url=request.build_absolute_uri("/").rstrip("/"))
    except ApplicationError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificate-{donation.certificate_number}.pdf"'
    )
    return response
