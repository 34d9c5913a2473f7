"""Console: the SMS opt-out list (退订名单), the platform admins' only: replies "TD" land here by
themselves; staff add a phone on request or take one off when the person asks again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.core import policy
from xiaoyou.core.tables import Column, DataTable
from xiaoyou.messaging.audiences import normalize_phone
from xiaoyou.messaging.models import SmsOptOut
from xiaoyou.messaging.services import sms_campaigns as services


def _require_manager(request: HttpRequest) -> None:
    if not policy.can(request.user, "manage", SmsOptOut(phone="")):
        raise PermissionDenied("opt-out list")


def opt_out_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method == "POST":
        phone = normalize_phone(request.POST.get("phone", ""))
        if not phone:
            messages.error(request, _("Not a valid mobile number."))
        elif services.opt_out_add(phone=phone, source="staff", actor=request.user):
            messages.success(
                request, _("%(phone)s will get no more bulk texts.") % {"phone": phone}
            )
        return redirect("console:messaging_sms_opt_outs")
    table = DataTable(
        request,
        SmsOptOut.objects.all(),
        columns=[
            Column("phone", gettext_lazy("Mobile phone"), sort="phone"),
            Column("source", gettext_lazy("Source")),
            Column("created_at", gettext_lazy("Created at"), sort="created_at"),
        ],
        search_fields=["phone"],
        default_sort="-created_at",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("Nobody has opted out"),
        empty_text=gettext_lazy("Replies “TD” to a text put the phone here."),
    )
    if table.export_format:
        return table.export_response("sms-opt-outs")
    return render(request, "messaging/sms/opt_outs.html", {"table": table})


@require_POST
def opt_out_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    opt_out = SmsOptOut.objects.filter(pk=pk).first()
    if opt_out is None:
        raise Http404
    services.opt_out_remove(actor=request.user, opt_out=opt_out)
    messages.success(request, _("Taken off the opt-out list."))
    return redirect("console:messaging_sms_opt_outs")
