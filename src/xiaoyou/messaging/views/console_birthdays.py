"""Console: birthday greetings (生日祝福): the current organization's setting, a run now, and the
log of greetings sent (today's by default)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaoyou.console.context import current_org, in_current_org
from xiaoyou.core import audit, policy
from xiaoyou.core.errors import ApplicationError
from xiaoyou.core.tables import Column, DataTable, Filter
from xiaoyou.messaging.forms_sms import BirthdaySettingForm
from xiaoyou.messaging.models import (
    BirthdayCalendar,
    BirthdayGreeting,
    BirthdayGreetingStatus,
)
from xiaoyou.messaging.services import birthdays as services


def birthday_settings(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        return redirect("console:dashboard")
    setting = services.birthday_setting_for(org)
    may_manage = policy.can(request.user, "manage", setting)
    form = BirthdaySettingForm(
        request.POST or None,
        initial={
            "is_enabled": setting.is_enabled,
            "channels": setting.channels,
            "send_time": setting.send_time,
            "sms_template": setting.sms_template,
            "email_subject": setting.email_subject,
            "email_template": setting.email_template,
        },
    )
    if request.method == "POST" and may_manage and form.is_valid():
        try:
            services.birthday_setting_save(actor=request.user, org=org, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error("channels", error.text())
        else:
            messages.success(request, _("Birthday greetings saved."))
            return redirect("console:messaging_birthday_settings")
    return render(
        request,
        "messaging/sms/birthday_settings.html",
        {
            "form": form,
            "setting": setting,
            "org": org,
            "may_manage": may_manage,
            "sign_name": settings.SMS_SIGN_NAME,
        },
    )


@require_POST
def birthday_run_now(request: HttpRequest) -> HttpResponse:
    """Greets today's birthdays now (nobody twice: those greeted earlier today are skipped)."""
    org = current_org(request)
    setting = services.birthday_setting_for(org) if org is not None else None
    if setting is None or setting.pk is None or not setting.is_enabled:
        messages.error(request, _("Turn birthday greetings on first."))
        return redirect("console:messaging_birthday_settings")
    policy.require(request.user, "manage", setting)
    audit.record(actor=request.user, action="messaging.birthday.run", obj=setting, org=org)
    counts = services.birthday_run(setting=setting)
    messages.success(
        request,
        _("Greetings sent: %(sent)s, failed: %(failed)s.")
        % {"sent": counts["sent"], "failed": counts["failed"]},
    )
    return redirect("console:messaging_birthday_log")


def birthday_log(request: HttpRequest) -> HttpResponse:
    queryset = in_current_org(
        policy.scoped(BirthdayGreeting.objects.all(), request.user, "view"), request
    ).select_related("record", "org")
    table = DataTable(
        request,
        queryset,
        columns=[
            Column("date", gettext_lazy("Date"), sort="date"),
            Column("record__name", gettext_lazy("Name")),
            Column("calendar", gettext_lazy("Calendar")),
            Column(
                "channels",
                gettext_lazy("Channels"),
                accessor=lambda greeting: "、".join(greeting.channels),
            ),
            Column("segments", gettext_lazy("Segments"), align="num"),
            Column("status", gettext_lazy("Status"), badge=True),
            Column("error", gettext_lazy("Error")),
            Column("org__name", gettext_lazy("Organization")),
        ],
        filters=[
            Filter("date", gettext_lazy("Date"), kind="date", lookup="date"),
            Filter(
                "calendar",
                gettext_lazy("Calendar"),
                kind="select",
                lookup="calendar",
                choices=BirthdayCalendar.choices,
            ),
            Filter(
                "status",
                gettext_lazy("Status"),
                kind="select",
                lookup="status",
                choices=BirthdayGreetingStatus.choices,
            ),
        ],
        search_fields=["record__name"],
        default_sort="-date",
        export_formats=["xlsx"],
        empty_title=gettext_lazy("No greetings yet"),
        empty_text=gettext_lazy("Greetings sent on birthdays appear here."),
    )
    if table.export_format:
        return table.export_response("birthday-greetings")
    return render(
        request,
        "messaging/sms/birthday_log.html",
        {"table": table, "today": timezone.localdate()},
    )
