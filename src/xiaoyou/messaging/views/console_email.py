"""Console: email campaigns (邮件群发): list, create, edit, preview with test send, detail with
summary counts, the progress bar and the per-recipient list (filter, xlsx export); send now,
schedule, pause, resume, cancel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org, org_choices
from xiaoyou.core import policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.messaging import audience_uploads, audiences
from xiaoyou.messaging.email_render import VARIABLES
from xiaoyou.messaging.forms_email import (
    EmailCampaignCreateForm,
    EmailCampaignEditForm,
    EmailScheduleForm,
    EmailTestSendForm,
)
from xiaoyou.messaging.models import (
    CampaignStatus,
    EmailCampaign,
    EmailMessage,
    EmailMessageStatus,
    EmailTemplate,
)
from xiaoyou.messaging.services import email_campaigns as services
from xiaoyou.messaging.services.email_templates import email_templates_seed

ACTIONS = {
    "send": services.email_campaign_send,
    "pause": services.email_campaign_pause,
    "resume": services.email_campaign_resume,
    "cancel": services.email_campaign_cancel,
}


def campaigns_visible(user: Any) -> QuerySet[EmailCampaign]:
    return policy.scoped(EmailCampaign.objects.all(), user, "view").select_related(
        "org", "job", "created_by"
    )


def visible_campaign(request: HttpRequest, pk: int) -> EmailCampaign:
    campaign = campaigns_visible(request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_list(request: HttpRequest) -> HttpResponse:
    def detail_url(campaign: EmailCampaign) -> str:
        return reverse("console:messaging_email_campaign_detail", args=[campaign.pk])

    table = DataTable(
        request,
        in_current_org(campaigns_visible(request.user), request),
        columns=[
            Column("name", gettext_lazy("Name"), link=detail_url, sort="name"),
            Column("subject", gettext_lazy("Email subject")),
            Column("org__name", gettext_lazy("Organization")),
            Column("recipient_count", gettext_lazy("Recipients"), align="num"),
            Column("scheduled_at", gettext_lazy("Scheduled for"), sort="scheduled_at"),
            Column("created_at", gettext_lazy("Created at"), sort="created_at"),
            Column("status", gettext_lazy("Status"), badge=True),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=CampaignStatus.choices,
            )
        ],
        search_fields=["name", "subject"],
        default_sort="-created_at",
        empty_title=gettext_lazy("No email campaigns yet"),
        empty_text=gettext_lazy("Choose a template and who receives it."),
    )
    return render(request, "messaging/email/campaign_list.html", {"table": table})


def _sources(request: HttpRequest, org: Any) -> dict[str, list[tuple[int, str]]]:
    """What the create form offers: the org's templates, usable saved searches, events and
    projects it manages."""
    from xiaoyou.alumni.selectors_search import saved_searches_for
    from xiaoyou.donations.models import DonationProject
    from xiaoyou.events.models import Event

    email_templates_seed(org=org)
    user = request.user
    scope = Q(org__path__startswith=org.path)
    return {
        "templates": list(
            EmailTemplate.objects.filter(org=org, is_archived=False).values_list("pk", "name")
        ),
        "saved_searches": list(saved_searches_for(user).filter(scope).values_list("pk", "name")),
        "events": list(
            policy.scoped(Event.objects.filter(scope), user, "manage")
            .order_by("-starts_at")
            .values_list("pk", "title")[:200]
        ),
        "projects": list(
            policy.scoped(DonationProject.objects.filter(scope), user, "manage")
            .order_by("-pk")
            .values_list("pk", "title")[:200]
        ),
    }


def campaign_create(request: HttpRequest) -> HttpResponse:
    orgs = org_choices(request)
    org = current_org(request)
    if org is None:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("org", "").isdigit():
        org = next((item for item in orgs if item.pk == int(request.POST["org"])), org)
    form = EmailCampaignCreateForm(
        request.POST or None,
        request.FILES or None,
        orgs=orgs,
        initial={"org": org.pk, "audience_kind": "saved_search"},
        **_sources(request, org),
    )
    upload_report = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = form.orgs[data["org"]]
        template = EmailTemplate.objects.filter(org=chosen, pk=data.get("template") or 0).first()
        kind = data["audience_kind"]
        params: dict[str, Any] = {}
        uploaded: list[dict[str, str]] = []
        exclusions = []
        if data.get("exclude_saved_search"):
            exclusions.append(
                {"kind": "saved_search", "params": {"saved_search": data["exclude_saved_search"]}}
            )
        try:
            if kind == "upload":
                recipients = audience_uploads.upload_parse(
                    data["upload"], "email", owner=request.user
                )
                uploaded = [{"name": r.name, "email": r.email} for r in recipients]
            elif kind == "saved_search":
                params = {"saved_search": data["saved_search"]}
            elif kind == "org_members":
                params = {"org": chosen.pk}
            elif kind == "event_registrants":
                params = {"event": data["event"]}
            elif kind == "donors" and data.get("project"):
                params = {"project": data["project"]}
            campaign = services.email_campaign_create(
                actor=request.user,
                org=chosen,
                name=data["name"],
                template=template,
                subject="" if template else data["name"],
                body_html="" if template else "<p>{{ name }}：</p><p></p>",
                audience_kind=kind,
                audience_params=params,
                uploaded=uploaded,
                exclusions=exclusions,
            )
        except ApplicationError as error:
            upload_report = getattr(error, "report_name", "")
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Draft saved. Edit the text, preview it, then send."))
            return redirect("console:messaging_email_campaign_edit", campaign.pk)
    return render(
        request,
        "messaging/email/campaign_form.html",
        {"form": form, "upload_report": upload_report},
    )


def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    policy.require(request.user, "manage", campaign)
    fields = list(EmailCampaignEditForm.base_fields)
    form = EmailCampaignEditForm(
        request.POST or None, initial={name: getattr(campaign, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.email_campaign_update(
                actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.text())
        else:
            messages.success(request, _("Saved."))
            return redirect("console:messaging_email_campaign_preview", campaign.pk)
    return render(
        request,
        "messaging/email/campaign_edit.html",
        {
            "campaign": campaign,
            "form": form,
            "variables": [(name, label) for name, label in VARIABLES.items()],
            "editable": campaign.status in services.EDITABLE,
        },
    )


def _preview_context(
    request: HttpRequest, campaign: EmailCampaign, chosen: str
) -> tuple[list[audiences.Recipient], dict[str, str], str, str]:
    """(recipients offered, chosen recipient's context, chosen address, error)."""
    error = ""
    try:
        recipients = services.preview_recipients(actor=request.user, campaign=campaign)
    except (ApplicationError, PermissionDenied) as exc:
        recipients = []
        error = exc.text() if isinstance(exc, ApplicationError) else _("You cannot use it.")
    recipient = next((r for r in recipients if r.email == chosen), None)
    if recipient is None and recipients:
        recipient = recipients[0]
    if recipient is None:
        return recipients, services.sample_context(campaign, request.user), "", error
    return recipients, dict(recipient.context), recipient.email, error


def campaign_preview(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    policy.require(request.user, "manage", campaign)
    recipients, context, chosen, error = _preview_context(
        request, campaign, request.GET.get("recipient", "")
    )
    rendered = services.email_campaign_preview(campaign, context)
    return render(
        request,
        "messaging/email/campaign_preview.html",
        {
            "campaign": campaign,
            "recipients": recipients,
            "chosen": chosen,
            "rendered": rendered,
            "audience_error": error,
            "test_form": EmailTestSendForm(
                initial={"addresses": getattr(request.user, "email", "")}
            ),
            "schedule_form": EmailScheduleForm(),
            "editable": campaign.status in services.EDITABLE,
        },
    )


@require_POST
def campaign_test_send(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    form = EmailTestSendForm(request.POST)
    target = reverse("console:messaging_email_campaign_preview", args=[campaign.pk])
    chosen = request.POST.get("recipient", "")
    if chosen:
        target += "?" + urlencode({"recipient": chosen})
    if not form.is_valid():
        messages.error(request, _("Give one to 10 valid email addresses."))
        return redirect(target)
    _recipients, context, _address, _error = _preview_context(request, campaign, chosen)
    try:
        count = services.email_campaign_test_send(
            actor=request.user,
            campaign=campaign,
            addresses=form.addresses_list(),
            context=context,
        )
    except ApplicationError as error:
        messages.error(request, error.text())
    else:
        messages.success(request, _("Test email sent to %(count)s addresses.") % {"count": count})
    return redirect(target)


@require_POST
def campaign_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    form = EmailScheduleForm(request.POST)
    if request.POST.get("unschedule"):
        when = None
    elif form.is_valid():
        when = form.cleaned_data["when"]
    else:
        messages.error(request, _("Choose a time in the future."))
        return redirect("console:messaging_email_campaign_preview", campaign.pk)
    try:
        services.email_campaign_schedule(actor=request.user, campaign=campaign, when=when)
    except ApplicationError as error:
        messages.error(request, error.text())
        return redirect("console:messaging_email_campaign_preview", campaign.pk)
    messages.success(request, _("Campaign scheduled.") if when else _("Schedule removed."))
    return redirect("console:messaging_email_campaign_detail", campaign.pk)


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
            "send": _("Sending started."),
            "pause": _("Sending paused."),
            "resume": _("Sending resumed."),
            "cancel": _("Campaign cancelled."),
        }
        messages.success(request, done[action])
    return redirect("console:messaging_email_campaign_detail", campaign.pk)


# --- Detail: counts, progress, recipients ----------------------------------------------------

ENGAGEMENT = {
    # Reported by a provider's tracking webhook (anymail backends only).
    "delivered": Q(delivered_at__isnull=False),
    "opened": Q(opened_at__isnull=False),
    "clicked": Q(clicked_at__isnull=False),
    "unsubscribed": Q(unsubscribed_at__isnull=False),
    "complained": Q(complained_at__isnull=False),
    "hard_bounce": Q(bounce_kind="hard"),
    "soft_bounce": Q(bounce_kind="soft"),
}


def summary_counts(campaign: EmailCampaign) -> dict[str, int]:
    """Recipients by status and engagement, in one query."""
    statuses = EmailMessageStatus
    aggregates = {
        "queued": Count("pk", filter=Q(status__in=[statuses.QUEUED, statuses.SENDING])),
        "sent": Count("pk", filter=Q(status=statuses.SENT)),
        "deferred": Count("pk", filter=Q(status=statuses.DEFERRED)),
        "bounced": Count("pk", filter=Q(status=statuses.BOUNCED)),
        "failed": Count("pk", filter=Q(status__in=[statuses.FAILED, statuses.SKIPPED])),
        "cancelled": Count("pk", filter=Q(status=statuses.CANCELLED)),
        **{key: Count("pk", filter=query) for key, query in ENGAGEMENT.items()},
    }
    return EmailMessage.objects.filter(campaign=campaign).aggregate(**aggregates)


def _engagement(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    query = ENGAGEMENT.get(value)
    return queryset.filter(query) if query is not None else queryset


def _messages_table(request: HttpRequest, campaign: EmailCampaign) -> DataTable:
    return DataTable(
        request,
        EmailMessage.objects.filter(campaign=campaign),
        columns=[
            Column("email", gettext_lazy("Email"), sort="email"),
            Column("name", gettext_lazy("Name")),
            Column("status", gettext_lazy("Status"), badge=True),
            Column("sent_at", gettext_lazy("Sent at"), sort="sent_at"),
            Column("bounce_kind", gettext_lazy("Bounce")),
            Column("opened_at", gettext_lazy("First opened at"), sort="opened_at"),
            Column("open_count", gettext_lazy("Opens"), align="num"),
            Column("clicked_at", gettext_lazy("First clicked at")),
            Column("click_count", gettext_lazy("Clicks"), align="num"),
            Column("unsubscribed_at", gettext_lazy("Unsubscribed at")),
            Column("complained_at", gettext_lazy("Complained at")),
            Column("delivered_at", gettext_lazy("Delivered at")),
            Column("provider_message_id", gettext_lazy("Provider message id")),
            Column("error", gettext_lazy("Error")),
        ],
        filters=[
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=EmailMessageStatus.choices,
            ),
            Filter(
                "engagement",
                gettext_lazy("Engagement"),
                kind="select",
                lookup=_engagement,
                choices=[
                    ("delivered", gettext_lazy("Delivered")),
                    ("opened", gettext_lazy("Opened")),
                    ("clicked", gettext_lazy("Clicked")),
                    ("unsubscribed", gettext_lazy("Unsubscribed")),
                    ("complained", gettext_lazy("Complained")),
                    ("hard_bounce", gettext_lazy("Hard bounce")),
                    ("soft_bounce", gettext_lazy("Soft bounce")),
                ],
            ),
        ],
        search_fields=["email", "name"],
        default_sort="pk",
        export_formats=["xlsx", "csv"],
        empty_title=gettext_lazy("No recipients yet"),
        empty_text=gettext_lazy("Recipients are fixed when sending starts."),
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = visible_campaign(request, pk)
    table = _messages_table(request, campaign)
    if table.export_format:
        policy.require(request.user, "export", campaign)
        return table.export_response(f"email-{campaign.pk}")
    counts = summary_counts(campaign)
    labels = {
        "queued": _("Queued"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "deferred": _("Deferred"),
        "bounced": _("Bounced"),
        "complained": _("Complained"),
        "opened": _("Opened"),
        "clicked": _("Clicked"),
        "unsubscribed": _("Unsubscribed"),
        "failed": _("Failed"),
    }
    return render(
        request,
        "messaging/email/campaign_detail.html",
        {
            "campaign": campaign,
            "table": table,
            "cards": [(key, label, counts.get(key, 0)) for key, label in labels.items()],
            "may_manage": policy.can(request.user, "manage", campaign),
            "job": campaign.job,
            "audience_label": audiences.AUDIENCE_LABELS.get(campaign.audience_kind, ""),
        },
    )


def upload_report(request: HttpRequest, name: str) -> FileResponse:
    """The per-row error report of a refused address or phone list (email and SMS forms)."""
    path = audience_uploads.upload_report_path(name, user=request.user)
    if path is None or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"), as_attachment=True, filename=f"rejected-{name[:8]}.xlsx"
    )
