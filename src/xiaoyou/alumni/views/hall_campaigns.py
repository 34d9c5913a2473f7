"""Hall pages of information campaigns (信息采集): the public form at /c/<code>/ (signed in
or not, rate-limited per address), and the liaison's "my campaigns" with who has answered."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoyou.alumni.forms_campaigns import ResponseForm
from xiaoyou.alumni.models import CollectionCampaign, CollectionResponse, Department
from xiaoyou.alumni.selectors_campaigns import (
    campaign_by_code,
    campaign_progress,
    campaign_records,
    campaigns_followed_by,
    liaison_roster,
)
from xiaoyou.alumni.services import campaigns as services
from xiaoyou.alumni.services.campaign_answers import response_submit
from xiaoyou.core import policy, ratelimit
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.middleware import client_ip
from xiaoyou.organizations.sharing import share_card

# Answers per address: a class filling the form from one office's network stays well below.
SUBMIT_LIMIT = 30
SUBMIT_WINDOW = 3600


def campaigns_entry(request: HttpRequest) -> str:
    """Personal-center entry, shown to liaisons and creators of campaigns only."""
    if not request.user.is_authenticated:
        return ""
    count = campaigns_followed_by(request.user).count()
    if not count:
        return ""
    return render_to_string(
        "components/menu_entry.html",
        {
            "url": reverse("hall:campaigns_mine"),
            "label": _("My campaigns"),
            "text": gettext("See how many classmates have answered"),
            "icon": "list",
        },
        request=request,
    )


def campaign_form(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_by_code(code)
    if campaign is None:
        raise Http404
    user: Any = request.user
    own = campaign_records(campaign).filter(user=user).first() if user.is_authenticated else None
    card = share_card(
        request,
        title=campaign.title,
        description=campaign.description or gettext("Update your details for the alumni archive."),
    )
    context: dict[str, Any] = {"campaign": campaign, "card": card, "own": own}
    if not services.is_open(campaign):
        return render(request, "alumni/hall/campaigns/closed.html", context)
    initial: dict[str, Any] = {}
    if own is None and campaign.audience.get("department"):
        department = Department.objects.filter(pk=campaign.audience["department"]).first()
        initial["identity_department"] = department.name if department else ""
    if own is not None:
        initial.update(
            {
                name: getattr(own, name)
                for name in campaign.fields
                if not name.startswith("custom:") and hasattr(own, name)
            }
        )
    form = ResponseForm(
        request.POST or None, campaign=campaign, ask_identity=own is None, initial=initial
    )
    problem = ""
    status = 200
    if request.method == "POST":
        if not ratelimit.hit(
            f"campaign:ip:{client_ip(request)}", limit=SUBMIT_LIMIT, window_seconds=SUBMIT_WINDOW
        ):
            problem = str(ApplicationError("rate_limited").text())
            status = 429
        elif form.is_valid():
            try:
                response = response_submit(
                    campaign=campaign,
                    user=user,
                    identity=form.identity(),
                    answers=form.answers(),
                )
            except ApplicationError as error:
                problem = error.text()
                status = error.status
            else:
                context["response"] = response
                return render(request, "alumni/hall/campaigns/thanks.html", context)
    context.update({"form": form, "problem": problem})
    return render(request, "alumni/hall/campaigns/form.html", context, status=status)


def _may_follow(user: Any, campaign: CollectionCampaign) -> bool:
    return (
        campaign.created_by_id == user.pk
        or campaign.liaisons.filter(pk=user.pk).exists()
        or policy.can(user, "view", campaign)
    )


@login_required
def my_campaigns(request: HttpRequest) -> HttpResponse:
    rows = [
        (campaign, campaign_progress(campaign, with_classes=False), services.is_open(campaign))
        for campaign in campaigns_followed_by(request.user)[:50]
    ]
    return render(request, "alumni/hall/campaigns/mine.html", {"rows": rows})


@login_required
def campaign_roster(request: HttpRequest, code: str) -> HttpResponse:
    """For a liaison: the count and the names of classmates who have / have not answered."""
    campaign = campaign_by_code(code)
    if campaign is None or not _may_follow(request.user, campaign):
        raise Http404
    roster = liaison_roster(campaign)
    return render(
        request,
        "alumni/hall/campaigns/roster.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign, with_classes=False),
            "answered": [row for row in roster if row.answered],
            "waiting": [row for row in roster if not row.answered],
            "link": request.build_absolute_uri(reverse("hall:campaign_form", args=[code])),
            "unmatched": CollectionResponse.objects.filter(
                campaign=campaign, record__isnull=True
            ).count(),
        },
    )
