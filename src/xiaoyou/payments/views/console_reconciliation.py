"""Console: reconciliation reports (对账) — list, a report with its mismatches, download."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoyou.core import policy
from xiaoyou.core.excel import export_response
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.payments import selectors_console
from xiaoyou.payments.models import Provider, ReconciliationReport
from xiaoyou.payments.money import format_yuan

MISMATCH_LABELS = {
    "missing_in_ledger": gettext_lazy("At the provider, not in our ledger"),
    "missing_at_provider": gettext_lazy("In our ledger, not at the provider"),
    "amount_differs": gettext_lazy("Amounts differ"),
}
LINE_LABELS = {"payment": gettext_lazy("Payment"), "refund": gettext_lazy("Refund")}


def _reports(request: HttpRequest):  # type: ignore[no-untyped-def]
    if not policy.can(request.user, "view", ReconciliationReport):
        raise PermissionDenied
    return selectors_console.reports_visible_to(request.user)


def report_list(request: HttpRequest) -> HttpResponse:
    def detail_url(report: ReconciliationReport) -> str:
        return reverse("console:payments_report", args=[report.pk])

    table = DataTable(
        request,
        _reports(request),
        columns=[
            Column("day", gettext_lazy("Day"), sort="day", link=detail_url),
            Column(
                "provider",
                gettext_lazy("Provider"),
                accessor=lambda r: (
                    Provider(r.provider).label if r.provider in Provider.values else r.provider
                ),
            ),
            Column("ledger_count", gettext_lazy("Ledger lines"), align="num"),
            Column(
                "ledger_amount",
                gettext_lazy("Ledger net (yuan)"),
                accessor=lambda r: format_yuan(r.ledger_amount),
                align="num",
            ),
            Column("provider_count", gettext_lazy("Bill lines"), align="num"),
            Column(
                "provider_amount",
                gettext_lazy("Bill net (yuan)"),
                accessor=lambda r: format_yuan(r.provider_amount),
                align="num",
            ),
            Column(
                "mismatches",
                gettext_lazy("Mismatches"),
                accessor=lambda r: len(r.mismatches),
                align="num",
                badge=True,
            ),
        ],
        filters=[
            Filter(
                "provider",
                gettext_lazy("Provider"),
                kind="select",
                lookup="provider",
                choices=Provider.choices,
            ),
            Filter("since", gettext_lazy("From"), kind="date", lookup="day__gte"),
            Filter("until", gettext_lazy("To"), kind="date", lookup="day__lte"),
        ],
        default_sort="-day",
        empty_title=gettext_lazy("No reconciliation reports yet"),
        empty_text=gettext_lazy(
            "Each provider's bill is reconciled every morning for the day before."
        ),
    )
    return render(request, "payments/console/report_list.html", {"table": table})


def _get(request: HttpRequest, pk: int) -> ReconciliationReport:
    report = _reports(request).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _mismatch_rows(report: ReconciliationReport) -> list[list[object]]:
    rows = []
    for item in report.mismatches:
        rows.append(
            [
                str(MISMATCH_LABELS.get(item.get("kind", ""), item.get("kind", ""))),
                str(LINE_LABELS.get(item.get("line", ""), item.get("line", ""))),
                item.get("out_trade_no", ""),
                item.get("number", ""),
                format_yuan(item["ledger_amount"]) if item.get("ledger_amount") is not None else "",
                format_yuan(item["provider_amount"])
                if item.get("provider_amount") is not None
                else "",
                item.get("provider_reference", ""),
            ]
        )
    return rows


def _headers() -> list[str]:
    return [
        _("Problem"),
        _("Line"),
        _("Order number"),
        _("Number"),
        _("Ledger (yuan)"),
        _("Provider (yuan)"),
        _("Provider reference"),
    ]


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    return render(
        request,
        "payments/console/report_detail.html",
        {"report": report, "headers": _headers(), "rows": _mismatch_rows(report)},
    )


def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    name = f"{_('reconciliation')}-{report.provider}-{report.day:%Y%m%d}"
    return export_response(name, _headers(), _mismatch_rows(report), "xlsx")
