"""Console pages of members under /console/members/ (names in the "console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import console_members

urlpatterns = [
    path("", console_members.member_list, name="member_list"),
    path("bulk", console_members.member_bulk, name="member_bulk"),
    path("<int:pk>/", console_members.member_detail, name="member_detail"),
    path("<int:pk>/remove", console_members.member_remove, name="member_remove"),
    path("<int:pk>/ban", console_members.member_ban, name="member_ban"),
    path("files/<int:pk>", console_members.member_file, name="member_file"),
    path("groups/", console_members.member_groups, name="member_groups"),
    path("groups/<int:pk>/edit", console_members.member_group_edit, name="member_group_edit"),
    path("groups/<int:pk>/delete", console_members.member_group_delete, name="member_group_delete"),
    path("import/", console_members.member_import, name="member_import"),
    path(
        "import/template.xlsx",
        console_members.member_import_template,
        name="member_import_template",
    ),
    path(
        "import/report/<str:token>",
        console_members.member_import_report,
        name="member_import_report",
    ),
    path("invite/", console_members.member_invite, name="member_invite"),
]
