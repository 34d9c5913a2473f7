"""Console URLs of records, custom fields and departments, included under /console/alumni/records/.

The record list is the search page (console:alumni_search)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_departments, console_fields, console_records

urlpatterns: list = [
    path("new", console_records.record_create, name="alumni_record_create"),
    path("<int:pk>/", console_records.record_detail, name="alumni_record_detail"),
    path("<int:pk>/edit", console_records.record_edit, name="alumni_record_edit"),
    path("<int:pk>/delete", console_records.record_delete, name="alumni_record_delete"),
    path("<int:pk>/undelete", console_records.record_undelete, name="alumni_record_undelete"),
    path(
        "<int:pk>/national-id",
        console_records.record_reveal_national_id,
        name="alumni_record_reveal_national_id",
    ),
    path("fields/", console_fields.field_list, name="alumni_fields"),
    path("fields/new", console_fields.field_form, name="alumni_field_create"),
    path("fields/<int:pk>/", console_fields.field_form, name="alumni_field_edit"),
    path("departments/", console_departments.department_tree, name="alumni_departments"),
    path(
        "departments/<int:pk>/", console_departments.department_edit, name="alumni_department_edit"
    ),
    path(
        "departments/<int:pk>/merge",
        console_departments.department_merge,
        name="alumni_department_merge",
    ),
    path(
        "departments/<int:pk>/toggle",
        console_departments.department_toggle,
        name="alumni_department_toggle",
    ),
]
