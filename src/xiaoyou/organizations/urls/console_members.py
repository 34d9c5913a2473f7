"""Console pages of members under /console/members/ (names in the "console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.organizations.views import (
    console_member_detail,
    console_member_groups,
    console_member_import,
    console_member_invite,
    console_members,
)

urlpatterns = [
    path("", console_members.member_list, name="member_list"),
    path("bulk", console_members.member_bulk, name="member_bulk"),
    path("<int:pk>/", console_member_detail.member_detail, name="member_detail"),
    path("<int:pk>/remove", console_member_detail.member_remove, name="member_remove"),
    path("<int:pk>/ban", console_member_detail.member_ban, name="member_ban"),
    path("files/<int:pk>", console_member_detail.member_file, name="member_file"),
    path("groups/", console_member_groups.member_groups, name="member_groups"),
    path("groups/<int:pk>/edit", console_member_groups.member_group_edit, name="member_group_edit"),
    path(
        "groups/<int:pk>/delete",
        console_member_groups.member_group_delete,
        name="member_group_delete",
    ),
    path("import/", console_member_import.member_import, name="member_import"),
    path(
        "import/template.xlsx",
        console_member_import.member_import_template,
        name="member_import_template",
    ),
    path(
        "import/report/<str:token>",
        console_member_import.member_import_report,
        name="member_import_report",
    ),
    path("invite/", console_member_invite.member_invite, name="member_invite"),
]
