"""Console pages of information campaigns (信息采集): list, create/edit, the campaign page
(link, QR, progress, class breakdown, responses), close/reopen, export, and staff actions on
unmatched responses (link to a record, create a record).

Campaigns come through `campaigns_visible_to`, so another organization's campaign is a 404;
console/urls.py wraps every page in console_required.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaoyou.alumni.forms_campaigns import CampaignForm, LinkForm, field_label
from xiaoyou.alumni.models import (
    AlumniRecord,
    CollectionCampaign,
    CollectionResponse,
    ResponseStatus,
)
from xiaoyou.alumni.selectors_campaigns import (
    campaign_progress,
    campaigns_visible_to,
    responses_of,
)
from xiaoyou.alumni.services import campaign_answers as answers
from xiaoyou.alumni.services import campaigns as services
from xiaoyou.console.context import current_org
from xiaoyou.core import excel, policy
from xiaoyou.core.errors import ApplicationError

PAGE_SIZE = 30


def _campaign(request: HttpRequest, pk: int) -> CollectionCampaign:
    campaign = campaigns_visible_to(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def _response(request: HttpRequest, pk: int) -> CollectionResponse:
    visible = campaigns_visible_to(request.user).values("pk")
    response = (
        CollectionResponse.objects.select_related("campaign", "campaign__org", "record")
        .filter(pk=pk, campaign__in=visible)
        .first()
    )
    if response is None:
        raise Http404
    return response


def share_link(request: HttpRequest, campaign: CollectionCampaign) -> str:
    return request.build_absolute_uri(reverse("hall:campaign_form", args=[campaign.code]))


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(request.user).annotate(
        response_count=Count("responses", distinct=True)
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    org = current_org(request)
    return render(
        request,
        "alumni/console/campaigns/list.html",
        {
            "page": page,
            "rows": [(campaign, services.is_open(campaign)) for campaign in page],
            "may_create": org is not None
            and policy.can(request.user, "change", CollectionCampaign, org=org),
        },
    )


def campaign_create(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or not policy.can(request.user, "change", CollectionCampaign, org=org):
        raise PermissionDenied("create denied")
    form = CampaignForm(request.POST or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=request.user, org=org, **form.service_kwargs()
            )
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(request, gettext("Campaign created. Share its link or QR code."))
            return redirect("console:alumni_campaign_detail", campaign.pk)
    return render(
        request,
        "alumni/console/campaigns/form.html",
        {"form": form, "org": org, "problem": problem, "campaign": None},
    )


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not policy.can(request.user, "change", campaign):
        raise PermissionDenied("change denied")
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign))
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.service_kwargs())
        except ApplicationError as error:
            problem = error.text()
        else:
            messages.success(request, gettext("Campaign saved."))
            return redirect("console:alumni_campaign_detail", campaign.pk)
    return render(
        request,
        "alumni/console/campaigns/form.html",
        {"form": form, "org": campaign.org, "problem": problem, "campaign": campaign},
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    status = request.GET.get("status", "")
    responses = responses_of(campaign)
    if status in ResponseStatus.values:
        responses = responses.filter(status=status)
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    progress = campaign_progress(campaign)
    labels = {field: field_label(field) for field in campaign.fields}
    rows = [
        (
            response,
            [
                (labels.get(field, field), value)
                for field, value in (response.conflicts or {}).items()
            ],
        )
        for response in page
    ]
    return render(
        request,
        "alumni/console/campaigns/detail.html",
        {
            "campaign": campaign,
            "link": share_link(request, campaign),
            "is_open": services.is_open(campaign),
            "progress": progress,
            "status_counts": [
                (value, label, progress.by_status.get(value, 0))
                for value, label in ResponseStatus.choices
            ],
            "status": status,
            "page": page,
            "rows": rows,
            "field_labels": list(labels.values()),
            "liaisons": list(campaign.liaisons.all()),
            "may_change": policy.can(request.user, "change", campaign),
        },
    )


@require_POST
def campaign_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    opening = not services.is_open(campaign)
    services.campaign_set_open(actor=request.user, campaign=campaign, is_active=opening)
    messages.success(
        request, gettext("The form is open again.") if opening else gettext("The form is closed.")
    )
    return redirect("console:alumni_campaign_detail", campaign.pk)


def _export_rows(campaign: CollectionCampaign) -> list[list[Any]]:
    rows = []
    for response in responses_of(campaign).order_by("created_at", "id"):
        answers = response.answers or {}
        identity = answers.get("identity", {})
        fields = answers.get("fields", {})
        rows.append(
            [
                response.updated_at,
                response.get_status_display(),
                response.confidence,
                response.record_id or "",
                response.record.name if response.record else "",
                identity.get("name", ""),
                identity.get("student_id", ""),
                identity.get("enrollment_year") or "",
                identity.get("department", ""),
                *[
                    "、".join(value) if isinstance(value, list) else value
                    for value in (fields.get(field, "") for field in campaign.fields)
                ],
                "; ".join(response.conflicts or {}),
            ]
        )
    return rows


def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The responses as a spreadsheet (formulas typed into answers are neutralized)."""
    campaign = _campaign(request, pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in excel.FORMATS:
        fmt = "xlsx"
    headers = [
        gettext("Answered at"),
        gettext("Status"),
        gettext("Confidence"),
        gettext("Record number"),
        gettext("Record"),
        gettext("Name given"),
        gettext("Student number given"),
        gettext("Year of enrollment given"),
        gettext("Department given"),
        *[str(field_label(field)) for field in campaign.fields],
        gettext("Conflicts"),
    ]
    return excel.export_response(campaign.title, headers, _export_rows(campaign), fmt)


@require_POST
def response_link(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Enter a record number."))
        return redirect("console:alumni_campaign_detail", response.campaign_id)
    record = AlumniRecord.objects.filter(
        pk=form.cleaned_data["record_id"], deleted_at__isnull=True
    ).first()
    try:
        if record is None:
            raise ApplicationError("campaign_record_out_of_reach", status=404)
        answers.response_link(actor=request.user, response=response, record=record)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, gettext("Response linked to the record."))
    return redirect("console:alumni_campaign_detail", response.campaign_id)


@require_POST
def response_create_record(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    try:
        record = answers.response_create_record(actor=request.user, response=response)
    except ApplicationError as error:
        messages.error(request, error.text())
    except DjangoValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, gettext("Record created from the response."))
        return redirect("console:alumni_record_detail", record.pk)
    return redirect("console:alumni_campaign_detail", response.campaign_id)
