"""Console pages of donations, included under /console/donations/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.donations.views import console_donations, console_projects, console_stats

urlpatterns = [
    path("projects/", console_projects.project_list, name="donation_projects"),
    path("projects/new", console_projects.project_create, name="donation_project_create"),
    path("projects/<int:pk>/", console_projects.project_edit, name="donation_project"),
    path(
        "projects/<int:pk>/status", console_projects.project_publish, name="donation_project_status"
    ),
    path("projects/<int:pk>/reports", console_projects.report_add, name="donation_report_add"),
    path("statistics/", console_stats.statistics, name="donation_statistics"),
    path("statistics/export", console_stats.statistics_export, name="donation_statistics_export"),
    path("", console_donations.donation_list, name="donations"),
    path(
        "<int:pk>/certificate.pdf",
        console_donations.donation_certificate,
        name="donation_certificate",
    ),
]
