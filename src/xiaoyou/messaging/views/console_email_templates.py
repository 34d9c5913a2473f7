"""Console: email templates (邮件素材) of the current organization: list (the library is given
on first visit), create, edit (with a live preview), archive."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xiaoyou.console.context import current_org
from xiaoyou.core import policy
from xiaoyou.messaging.email_render import VARIABLES, compile_campaign, render_compiled
from xiaoyou.messaging.forms_email import EmailTemplateForm
from xiaoyou.messaging.models import EmailTemplate
from xiaoyou.messaging.services import email_templates as services

SAMPLE = {"name": "张伟", "class_year": "2008", "college": "计算机学院", "event": "返校日"}


def template_list(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise PermissionDenied
    policy.require(request.user, "manage", EmailTemplate, org=org)
    services.email_templates_seed(org=org)
    templates = EmailTemplate.objects.filter(org=org).order_by("is_archived", "name", "pk")
    return render(
        request, "messaging/email/template_list.html", {"org": org, "templates": templates}
    )


def _sample_html(form_data: dict[str, str], org_name: str) -> str:
    compiled = compile_campaign(
        subject=form_data.get("subject", ""),
        body_html=form_data.get("body_html", ""),
        body_text=form_data.get("body_text", ""),
        org_name=org_name,
        links=[],
        track_clicks=False,
    )
    return render_compiled(compiled, {**SAMPLE, "org": org_name, "project": "奖学金"}).html


def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise PermissionDenied
    template = None
    if pk is not None:
        template = (
            policy.scoped(EmailTemplate.objects.select_related("org"), request.user, "manage")
            .filter(pk=pk)
            .first()
        )
        if template is None:
            raise Http404
        org = template.org
    policy.require(request.user, "manage", EmailTemplate, org=org)
    initial = {}
    if template is not None:
        initial = {name: getattr(template, name) for name in EmailTemplateForm.base_fields}
    form = EmailTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if template is None:
            template = services.email_template_create(
                actor=request.user,
                org=org,
                name=data["name"],
                subject=data["subject"],
                body_html=data["body_html"],
                body_text=data["body_text"],
            )
        else:
            services.email_template_update(actor=request.user, template=template, **data)
        messages.success(request, _("Template saved."))
        return redirect("console:messaging_email_template_edit", template.pk)
    current = form.data if form.is_bound else initial
    return render(
        request,
        "messaging/email/template_form.html",
        {
            "form": form,
            "template": template,
            "variables": list(VARIABLES.items()),
            "sample_html": _sample_html(
                {key: str(current.get(key, "")) for key in ("subject", "body_html", "body_text")},
                org.name,
            )
            if current
            else "",
        },
    )
