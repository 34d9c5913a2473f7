"""Console routes of messaging: SMS campaigns, the quota and birthday greetings (names in the
console namespace, prefixed messaging_sms_, messaging_quota, messaging_birthday_)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.messaging.views import (
    console_birthdays,
    console_quota,
    console_sms,
    console_sms_opt_outs,
)

urlpatterns = [
    path("", console_sms.campaign_list, name="messaging_sms_campaigns"),
    path("new", console_sms.campaign_create, name="messaging_sms_campaign_create"),
    path("<int:pk>/", console_sms.campaign_detail, name="messaging_sms_campaign_detail"),
    path("<int:pk>/edit", console_sms.campaign_edit, name="messaging_sms_campaign_edit"),
    path(
        "<int:pk>/do/<slug:action>",
        console_sms.campaign_action,
        name="messaging_sms_campaign_action",
    ),
    path("opt-outs/", console_sms_opt_outs.opt_out_list, name="messaging_sms_opt_outs"),
    path(
        "opt-outs/<int:pk>/remove",
        console_sms_opt_outs.opt_out_remove,
        name="messaging_sms_opt_out_remove",
    ),
    path("quota/", console_quota.quota_dashboard, name="messaging_quota"),
    path("quota/total", console_quota.quota_set, name="messaging_quota_set"),
    path("quota/allocation", console_quota.allocation_set, name="messaging_quota_allocate"),
    path("birthdays/", console_birthdays.birthday_settings, name="messaging_birthday_settings"),
    path("birthdays/run", console_birthdays.birthday_run_now, name="messaging_birthday_run"),
    path("birthdays/log", console_birthdays.birthday_log, name="messaging_birthday_log"),
]
