"""Console routes of messaging: email (names are in the console namespace, prefixed messaging_)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from xiaoyou.messaging.views import console_email, console_email_templates

urlpatterns: list[URLPattern | URLResolver] = [
    path("", console_email.campaign_list, name="messaging_email_campaigns"),
    path("email/new", console_email.campaign_create, name="messaging_email_campaign_create"),
    path("email/<int:pk>/", console_email.campaign_detail, name="messaging_email_campaign_detail"),
    path("email/<int:pk>/edit", console_email.campaign_edit, name="messaging_email_campaign_edit"),
    path(
        "email/<int:pk>/preview",
        console_email.campaign_preview,
        name="messaging_email_campaign_preview",
    ),
    path(
        "email/<int:pk>/test",
        console_email.campaign_test_send,
        name="messaging_email_campaign_test",
    ),
    path(
        "email/<int:pk>/schedule",
        console_email.campaign_schedule,
        name="messaging_email_campaign_schedule",
    ),
    path(
        "email/<int:pk>/do/<slug:action>",
        console_email.campaign_action,
        name="messaging_email_campaign_action",
    ),
    path(
        "email/templates/",
        console_email_templates.template_list,
        name="messaging_email_templates",
    ),
    path(
        "email/templates/new",
        console_email_templates.template_edit,
        name="messaging_email_template_create",
    ),
    path(
        "email/templates/<int:pk>/",
        console_email_templates.template_edit,
        name="messaging_email_template_edit",
    ),
    path(
        "upload-reports/<str:name>",
        console_email.upload_report,
        name="messaging_upload_report",
    ),
]
