"""Console URLs of information campaigns (信息采集), included under /console/alumni/campaigns/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_campaigns as views

urlpatterns: list = [
    path("", views.campaign_list, name="alumni_campaigns"),
    path("new", views.campaign_create, name="alumni_campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="alumni_campaign_detail"),
    path("<int:pk>/edit", views.campaign_edit, name="alumni_campaign_edit"),
    path("<int:pk>/toggle", views.campaign_toggle, name="alumni_campaign_toggle"),
    path("<int:pk>/export", views.campaign_export, name="alumni_campaign_export"),
    path("responses/<int:pk>/link", views.response_link, name="alumni_campaign_response_link"),
    path(
        "responses/<int:pk>/new-record",
        views.response_create_record,
        name="alumni_campaign_response_new_record",
    ),
]
