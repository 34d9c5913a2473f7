"""Console: a project's monthly pledges (月捐: donor, amount, day, status, paid months) and the
moderation of donors' replies to its beneficiaries' posts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.donations.models import Pledge, PledgeStatus, PostReply
from xiaoyou.donations.selectors_pledges import project_pledges
from xiaoyou.donations.views.console_projects import managed_project
from xiaoyou.payments.money import format_yuan


def _donor(pledge: Pledge) -> str:
    name = pledge.donor_name
    return f"{name} ({_('anonymous')})" if pledge.is_anonymous else name


def pledges(request: HttpRequest, pk: int) -> HttpResponse:
    """月捐列表: one query for the page (paid months counted by a subquery)."""
    project = managed_project(request, pk)
    table = DataTable(
        request,
        project_pledges(project, request.user),
        columns=[
            Column("donor_name", gettext_lazy("Donor"), accessor=_donor, sort="donor_name"),
            Column(
                "amount",
                gettext_lazy("Per month (yuan)"),
                accessor=lambda pledge: format_yuan(pledge.amount),
                align="num",
                sort="amount",
            ),
            Column(
                "day_of_month", gettext_lazy("Day of the month"), align="num", sort="day_of_month"
            ),
            Column("paid_months", gettext_lazy("Months paid"), align="num", sort="paid_months"),
            Column(
                "paid_amount",
                gettext_lazy("Paid (yuan)"),
                accessor=lambda pledge: format_yuan(pledge.paid_amount),
                align="num",
                sort="paid_amount",
            ),
            Column("created_at", gettext_lazy("Started"), sort="created_at"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=PledgeStatus.choices,
            ),
        ],
        search_fields=["donor_name"],
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No monthly gifts yet"),
        empty_text=gettext_lazy("Signed-in donors can give monthly from the project's page."),
    )
    if table.export_format:
        return table.export_response(f"monthly-gifts-{project.pk}")
    return render(request, "donations/console/pledges.html", {"project": project, "table": table})


@require_POST
def reply_moderate(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    from xiaoyou.donations.services.replies import reply_moderate as moderate

    project = managed_project(request, pk)
    reply = PostReply.objects.filter(pk=reply_pk, post__project=project).first()
    if reply is None:
        raise Http404
    try:
        moderate(actor=request.user, reply=reply, action=request.POST.get("action", ""))
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Done."))
    return redirect("console:donation_beneficiaries", pk=project.pk)
