"""Console pages of donations, included under /console/donations/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.donations.views import (
    console_campaigns,
    console_donations,
    console_pledges,
    console_projects,
    console_stats,
)

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
    path("days/", console_campaigns.giving_day_list, name="giving_days"),
    path("days/new", console_campaigns.giving_day_create, name="giving_day_create"),
    path("days/<int:pk>/", console_campaigns.giving_day_edit, name="giving_day"),
    path("days/<int:pk>/status", console_campaigns.giving_day_status, name="giving_day_status"),
    path("days/<int:pk>/challenges", console_campaigns.challenge_add, name="giving_challenge_add"),
    path(
        "days/<int:pk>/challenges/<int:challenge_pk>/remove",
        console_campaigns.challenge_remove,
        name="giving_challenge_remove",
    ),
    path(
        "projects/<int:pk>/beneficiaries/",
        console_campaigns.beneficiaries,
        name="donation_beneficiaries",
    ),
    path(
        "projects/<int:pk>/beneficiaries/add",
        console_campaigns.beneficiary_add,
        name="donation_beneficiary_add",
    ),
    path(
        "projects/<int:pk>/beneficiaries/<int:beneficiary_pk>/remove",
        console_campaigns.beneficiary_remove,
        name="donation_beneficiary_remove",
    ),
    path(
        "projects/<int:pk>/posts/<int:post_pk>/moderate",
        console_campaigns.post_moderate,
        name="donation_post_moderate",
    ),
    path("projects/<int:pk>/pledges/", console_pledges.pledges, name="donation_pledges"),
    path(
        "projects/<int:pk>/replies/<int:reply_pk>/moderate",
        console_pledges.reply_moderate,
        name="donation_reply_moderate",
    ),
    path("", console_donations.donation_list, name="donations"),
    path(
        "<int:pk>/certificate.pdf",
        console_donations.donation_certificate,
        name="donation_certificate",
    ),
]
