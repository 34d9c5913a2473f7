"""Hall: monthly pledges (月捐) — start one from a project page (signed-in people only; the
public gives one-off), and "My monthly gifts" in the personal center with pause, resume and
cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.donations.forms_pledges import PledgeForm
from xiaoyou.donations.models import Pledge
from xiaoyou.donations.selectors_pledges import my_pledges
from xiaoyou.donations.services.giving import project_is_open
from xiaoyou.donations.views.hall_projects import _visible_project
from xiaoyou.payments.money import format_yuan


def pledge_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The monthly pledge form of a project; a pledge made goes to My monthly gifts."""
    from xiaoyou.donations.services.pledges import pledge_create

    project = _visible_project(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    initial: dict[str, Any] = {
        "donor_name": getattr(user, "display_name", "") or user.get_username()
    }
    form = PledgeForm(request.POST or None, initial=initial)
    problem = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge_create(
                actor=user,
                project=project,
                amount=data["fen"],
                day_of_month=data["day_of_month"],
                donor_name=data["donor_name"],
                is_anonymous=bool(data.get("is_anonymous")),
            )
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(
                request, _("Thank you! Each month you will get a reminder with a link to pay.")
            )
            return redirect("hall:my_pledges")
    return render(
        request,
        "donations/hall/pledge_form.html",
        {
            "project": project,
            "form": form,
            "presets": [(value, format_yuan(value)) for value in project.preset_amounts or []],
            "problem": problem,
            "is_open": project_is_open(project) and policy.can(user, "give", project),
            "minimum": format_yuan(project.min_amount),
        },
        status=400 if problem else 200,
    )


def my_pledges_page(request: HttpRequest) -> HttpResponse:
    """我的月捐: status, next billing date, paid months; pause, resume, cancel."""
    from xiaoyou.donations.services.pledges import next_billing_date

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pledges = list(my_pledges(request.user)[:100])
    for pledge in pledges:
        pledge.next_billing = next_billing_date(pledge)  # type: ignore[attr-defined]
    return render(request, "donations/hall/pledges.html", {"pledges": pledges})


ACTIONS = ("pause", "resume", "cancel")


@require_POST
def pledge_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    from xiaoyou.donations.services import pledges as services

    if action not in ACTIONS:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("hall:my_pledges"))
    pledge = Pledge.objects.select_related("project", "project__org").filter(pk=pk).first()
    if pledge is None or not policy.can(request.user, "cancel", pledge):
        raise Http404
    change = {
        "pause": services.pledge_pause,
        "resume": services.pledge_resume,
        "cancel": services.pledge_cancel,
    }[action]
    try:
        change(actor=request.user, pledge=pledge)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(
            request,
            {
                "pause": _("Paused: no reminder until you resume it."),
                "resume": _("Resumed: thank you for giving every month."),
                "cancel": _("Your monthly gift is cancelled. Thank you for your support."),
            }[action],
        )
    return redirect("hall:my_pledges")


def my_pledges_entry(request: HttpRequest) -> str:
    """Personal center: a link to My monthly gifts, for people who have pledged."""
    if not request.user.is_authenticated:
        return ""
    if not Pledge.objects.filter(user=request.user).exists():
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:my_pledges"),
            "label": _("My monthly gifts"),
            "text": _("Pause, resume or cancel a monthly gift"),
            "icon": "calendar",
        },
        request=request,
    )
