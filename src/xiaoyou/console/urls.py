from __future__ import annotations

from django.urls import path

from xiaoyou.console.views import console

app_name = "console"
urlpatterns = [
    path("", console.dashboard, name="dashboard"),
    path("org", console.switch_org, name="switch_org"),
    path("search", console.search, name="search"),
]
