"""Hall pages of donations, included under /give/ ("hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.donations.views import hall_campaigns, hall_pledges, hall_projects, hall_report

urlpatterns = [
    path("", hall_projects.project_list, name="donation_projects"),
    path("mine/", hall_projects.my_donations_page, name="my_donations"),
    path("<int:pk>/", hall_projects.project_detail, name="donation_project"),
    path("<int:pk>/give", hall_projects.give, name="donation_give"),
    path("<int:pk>/transparency", hall_projects.project_transparency, name="donation_transparency"),
    path("<int:pk>/thanks", hall_campaigns.post_create, name="donation_post_create"),
    path("<int:pk>/monthly", hall_pledges.pledge_start, name="pledge_start"),
    path("monthly/", hall_pledges.my_pledges_page, name="my_pledges"),
    path("monthly/<int:pk>/<str:action>", hall_pledges.pledge_change, name="pledge_change"),
    path("posts/<int:pk>/reply", hall_campaigns.reply_create, name="donation_post_reply"),
    path(
        "report/<int:org_pk>/",
        hall_report.annual_report_latest,
        name="donation_annual_report_latest",
    ),
    path(
        "report/<int:org_pk>/<int:year>/",
        hall_report.annual_report_page,
        name="donation_annual_report",
    ),
    path(
        "report/<int:org_pk>/<int:year>/report.pdf",
        hall_report.annual_report_pdf,
        name="donation_annual_report_pdf",
    ),
    path("days/<int:pk>/", hall_campaigns.giving_day_page, name="giving_day"),
    path("days/<int:pk>/live", hall_campaigns.giving_day_live, name="giving_day_live"),
    path("gifts/<int:pk>/", hall_projects.gift_done, name="donation_done"),
    path(
        "gifts/<int:pk>/certificate.pdf",
        hall_projects.certificate_download,
        name="donation_certificate",
    ),
    path(
        "certificates/<str:number>/",
        hall_projects.certificate_verify,
        name="donation_certificate_verify",
    ),
]
