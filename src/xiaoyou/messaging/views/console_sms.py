"""Console: SMS campaigns (短信群发): list, create and edit a draft (with the live segment
counter), detail with
the preview, the progress bar, per-recipient status and export; start, pause, resume, cancel."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.messaging import sms_text
from xiaoyou.messaging.forms_sms import SOURCE_PARAMS, SmsCampaignEditForm, SmsCampaignForm
from xiaoyou.messaging.models import (
    SmsCampaign,
    SmsCampaignStatus,
    SmsMessage,
    SmsMessageStatus,
)
from xiaoyou.messaging.services import sms_campaigns as services

ACTIONS = {
    "start": services.campaign_start,
    "pause": services.campaign_pause,
    "resume": services.campaign_resume,
    "cancel": services.campaign_cancel,
}
PREVIEW_SIZE = 5


def campaigns_visible(user: Any) -> QuerySet[SmsCampaign]:
    return policy.scoped(SmsCampaign.objects.all(), user, "view").select_related(
        "org", "job", "created_by"
    )


def visible_campaign(request: HttpRequest, pk: int) -> SmsCampaign:
    campaign = campaigns_visible(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_list(request: HttpRequest) -> HttpResponse:
    def detail_url(campaign: SmsCampaign) -> str:
        return reverse("console:messaging_sms_campaign_detail", args=[campaign.pk])

    table = DataTable(
        request,
        in_current_org(campaigns_visible(request.user), request),
        columns=[
            Column("name", gettext_lazy("Name"), link=detail_url, sort="name"),
            Column("org__name", gettext_lazy("Organization")),
            Column("recipient_count", gettext_lazy("Recipients"), align="num"),
            Column("used_segments", gettext_lazy("Segments used"), align="num"),
            Column("created_at", gettext_lazy("Created at"), sort="created_at"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=SmsCampaignStatus.choices,
            )
        ],
        search_fields=["name"],
        default_sort="-created_at",
        empty_title=gettext_lazy("No SMS campaigns yet"),
        empty_text=gettext_lazy("Write a text and choose who receives it."),
    )
    return render(request, "messaging/sms/campaign_list.html", {"table": table})


def _audience_params(request: HttpRequest, form: SmsCampaignForm, org: Any) -> dict[str, Any]:
    from xiaoyou.messaging.audience_uploads import upload_parse

    kind = form.cleaned_data["audience_kind"]
    if kind == "upload":
        recipients = upload_parse(form.cleaned_data["upload"], "sms", owner=request.user)
        return {"recipients": [{"name": r.name, "phone": r.phone} for r in recipients]}
    if kind == "org_members":
        return {"org": org.pk}
    name = SOURCE_PARAMS[kind]
    source_id = form.cleaned_data.get("source_id")
    return {name: source_id} if source_id else {}


def campaign_create(request: HttpRequest) -> HttpResponse:
    orgs = org_choices(request)
    org = current_org(request)
    form = SmsCampaignForm(
        request.POST or None,
        request.FILES or None,
        orgs=orgs,
        initial={"org": getattr(org, "pk", None), "has_opt_out_hint": True},
    )
    upload_report = ""
    if request.method == "POST" and form.is_valid():
        chosen = form.orgs[form.cleaned_data["org"]]
        try:
            campaign = services.campaign_create(
                actor=request.user,
                org=chosen,
                name=form.cleaned_data["name"],
                body=form.cleaned_data["body"],
                audience_kind=form.cleaned_data["audience_kind"],
                audience_params=_audience_params(request, form, chosen),
                has_opt_out_hint=form.cleaned_data["has_opt_out_hint"],
            )
        except ApplicationError as error:
            upload_report = getattr(error, "report_name", "")
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Draft saved. Check the preview, then start sending."))
            return redirect("console:messaging_sms_campaign_detail", campaign.pk)
    return render(
        request,
        "messaging/sms/campaign_form.html",
        {
            "form": form,
            "sign_name": settings.SMS_SIGN_NAME,
            "opt_out_hint": str(sms_text.OPT_OUT_HINT),
            "upload_report": upload_report,
            "single_limit": sms_text.SINGLE_LIMIT,
            "segment_limit": sms_text.SEGMENT_LIMIT,
        },
    )


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's name and text, as email drafts are edited; recipients stay as chosen."""
    campaign = visible_campaign(request, pk)
    policy.require(request.user, "manage", campaign)
    form = SmsCampaignEditForm(
        request.POST or None,
        initial={
            "name": campaign.name,
            "body": campaign.body,
            "has_opt_out_hint": campaign.has_opt_out_hint,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:messaging_sms_campaign_detail", campaign.pk)
    return render(
        request,
        "messaging/sms/campaign_edit.html",
        {
            "campaign": campaign,
            "form": form,
            "editable": campaign.status == SmsCampaignStatus.DRAFT,
            "sign_name": campaign.sign_name,
            "opt_out_hint": str(sms_text.OPT_OUT_HINT),
            "single_limit": sms_text.SINGLE_LIMIT,
            "segment_limit": sms_text.SEGMENT_LIMIT,
        },
    )


def _messages_table(request: HttpRequest, campaign: SmsCampaign) -> DataTable:
    return DataTable(
        request,
        SmsMessage.objects.filter(campaign=campaign),
        columns=[
            Column("phone", gettext_lazy("Mobile phone"), sort="phone"),
            Column("name", gettext_lazy("Name")),
            Column("segments", gettext_lazy("Segments"), align="num"),
            Column(
                "status",
                gettext_lazy("Status"),
                badge=True,
                accessor=lambda message: (
                    SmsMessageStatus.QUEUED.label
                    if message.status == SmsMessageStatus.CLAIMED
                    else message.get_status_display()
                ),
            ),
            Column("sent_at", gettext_lazy("Sent at"), sort="sent_at"),
            Column("delivered_at", gettext_lazy("Delivered at")),
            Column("error", gettext_lazy("Error")),
            Column("text", gettext_lazy("Text"), export=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=[
                    (value, label)
                    for value, label in SmsMessageStatus.choices
                    if value != SmsMessageStatus.CLAIMED
                ],
            )
        ],
        search_fields=["phone", "name"],
        default_sort="pk",
        export_formats=["xlsx", "csv"],
        empty_title=gettext_lazy("No recipients yet"),
        empty_text=gettext_lazy("Recipients are fixed when sending starts."),
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    table = _messages_table(request, campaign)
    if table.export_format:
        return table.export_response(f"sms-{campaign.pk}")
    preview: list[Any] = []
    preview_error = ""
    if campaign.status == SmsCampaignStatus.DRAFT:
        try:
            preview = services.recipient_preview(campaign, actor=request.user, limit=PREVIEW_SIZE)
        except ApplicationError as error:
            preview_error = error.text()
        except PermissionDenied:
            preview_error = _("You cannot use this audience.")
    counts = services.campaign_status_counts(campaign)
    status_cards = [
        (value, label, counts.get(value, 0))
        for value, label in SmsMessageStatus.choices
        if value != SmsMessageStatus.CLAIMED and counts.get(value, 0)
    ]
    may_send = policy.can(request.user, "send", campaign)
    return render(
        request,
        "messaging/sms/campaign_detail.html",
        {
            "campaign": campaign,
            "table": table,
            "preview": [
                {
                    "name": recipient.name,
                    "phone": recipient.phone,
                    "text": sms_text.full_text(campaign.sign_name, body),
                    "segments": segments,
                }
                for recipient, body, segments in preview
            ],
            "preview_error": preview_error,
            "status_cards": status_cards,
            "may_send": may_send,
            "job": campaign.job,
        },
    )


@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, campaign=campaign)
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        done = {
            "start": _("Sending started."),
            "pause": _("Sending paused."),
            "resume": _("Sending resumed."),
            "cancel": _("Campaign cancelled."),
        }
        messages.success(request, done[action])
    return redirect("console:messaging_sms_campaign_detail", campaign.pk)
