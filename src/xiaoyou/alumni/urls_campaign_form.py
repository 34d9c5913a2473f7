"""Hall URLs of information campaigns (信息采集), included under /c/: the liaison's list and
roster, and the public form at /c/<code>/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import hall_campaigns as views

urlpatterns: list = [
    path("", views.my_campaigns, name="campaigns_mine"),
    path("<slug:code>/", views.campaign_form, name="campaign_form"),
    path("<slug:code>/progress", views.campaign_roster, name="campaign_roster"),
]
