"""Console URLs of organization management (组织管理), included under /console/orgs/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import console_org_stats
from xiaoyou.organizations.views import console_orgs as views

urlpatterns: list = [
    path("", views.org_list, name="org_list"),
    path("new", views.org_create, name="org_create"),
    path("<int:pk>/", views.org_detail, name="org_detail"),
    path("<int:pk>/edit", views.org_edit, name="org_edit"),
    path("<int:pk>/archive", views.org_archive, name="org_archive"),
    path("<int:pk>/restore", views.org_restore, name="org_restore"),
    path("<int:pk>/links", views.org_link_add, name="org_link_add"),
    path("<int:pk>/links/<int:link_pk>/delete", views.org_link_delete, name="org_link_delete"),
    path("<int:pk>/stats", console_org_stats.org_stats, name="org_stats"),
]
