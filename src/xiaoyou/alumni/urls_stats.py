"""Console pages of the alumni statistics (校友统计), included under /console/alumni/stats/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_stats as views

urlpatterns = [
    path("", views.alumni_stats, name="alumni_stats"),
    path("data", views.alumni_stats_data, name="alumni_stats_data"),
    path(
        "export/<int:org>/<slug:chart>.xlsx",
        views.alumni_stats_export,
        name="alumni_stats_export",
    ),
]
