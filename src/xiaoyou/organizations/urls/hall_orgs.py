"""Hall pages of organizations under /orgs/ (names in the "hall" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import hall_orgs

urlpatterns = [
    path("", hall_orgs.org_directory, name="org_directory"),
    path("mine/", hall_orgs.my_orgs, name="my_orgs"),
    path("applications/", hall_orgs.my_applications, name="my_applications"),
    path("<int:pk>/", hall_orgs.org_detail, name="org_detail"),
    path("<int:pk>/join", hall_orgs.org_join, name="org_join"),
    path("<int:pk>/joined", hall_orgs.org_join_result, name="org_join_result"),
    path("<int:pk>/quick-join", hall_orgs.org_quick_join, name="org_quick_join"),
    path("<int:pk>/my-info", hall_orgs.my_info_edit, name="org_my_info"),
    path("<int:pk>/leave", hall_orgs.org_leave, name="org_leave"),
]
