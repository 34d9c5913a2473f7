"""Console: the SMS quota (额度) dashboard: the school's annual quota, the allocations per
organization (set by the platform admins) and the segments used per organization and month, by
what sent them (campaigns, birthday greetings, invitations, event notices)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.messaging.forms_sms import AllocationForm, QuotaForm
from xiaoyou.messaging.models import SmsAllocation, SmsUsage
from xiaoyou.messaging.services import quota as services


def _year(request: HttpRequest) -> int:
    today = services.local_today().year
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today)
    except ValueError:
        return today
    return year if 2000 <= year <= today + 1 else today


# Dashboard columns -> the SmsUsage field they add up.
USAGE_SUMS = {
    "campaigns": Sum("campaign_segments"),
    "birthdays": Sum("birthday_segments"),
    "invitations": Sum("invitation_segments"),
    "notices": Sum("notice_segments"),
}


def _with_total(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "total": sum(row[name] or 0 for name in USAGE_SUMS)}


def quota_dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    quota = services.quota_for_year(year)
    may_manage = policy.can(request.user, "manage", quota)
    org = current_org(request)
    allocations = policy.scoped(
        SmsAllocation.objects.filter(quota=quota).select_related("org"), request.user, "view"
    ).order_by("org__path")
    usage_rows = policy.scoped(SmsUsage.objects.filter(month__year=year), request.user, "view")
    if org is not None and not (request.user.is_superuser and org.parent_id is None):
        usage_rows = usage_rows.filter(org__path__startswith=org.path)
        allocations = allocations.filter(org__path__startswith=org.path)
    months = usage_rows.values("month").annotate(**USAGE_SUMS).order_by("month")
    by_org = usage_rows.values("org__name").annotate(**USAGE_SUMS).order_by("org__name")
    allocated_total = quota.allocations.aggregate(total=Sum("allocated"))["total"] or 0
    context: dict[str, Any] = {
        "year": year,
        "years": list(range(services.local_today().year, 2019, -1))[:6],
        "quota": quota,
        "allocated_total": allocated_total,
        "unallocated": max(0, quota.total - allocated_total),
        "allocations": list(allocations),
        "months": [_with_total(row) for row in months],
        "by_org": [_with_total(row) for row in by_org],
        "may_manage": may_manage,
    }
    if may_manage:
        context["quota_form"] = QuotaForm(initial={"total": quota.total})
        context["allocation_form"] = AllocationForm(orgs=org_choices(request))
    return render(request, "messaging/sms/quota.html", context)


@require_POST
def quota_set(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            services.quota_set(actor=request.user, year=year, total=form.cleaned_data["total"])
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("Annual quota saved."))
    else:
        messages.error(request, _("Enter a whole number of segments."))
    return redirect(f"{_dashboard_url()}?year={year}")


@require_POST
def allocation_set(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = AllocationForm(request.POST, orgs=org_choices(request))
    if form.is_valid():
        try:
            services.allocation_set(
                actor=request.user,
                org=form.orgs[form.cleaned_data["org"]],
                year=year,
                allocated=form.cleaned_data["allocated"],
            )
        except ApplicationError as error:
            messages.error(request, error.text())
        else:
            messages.success(request, _("Allocation saved."))
    else:
        messages.error(request, _("Choose an organization and enter a whole number."))
    return redirect(f"{_dashboard_url()}?year={year}")


def _dashboard_url() -> str:
    from django.urls import reverse

    return reverse("console:messaging_quota")
