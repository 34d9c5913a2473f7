"""Console URLs of duplicate records (疑似重复), included under /console/alumni/duplicates/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_duplicates as views

urlpatterns: list = [
    path("", views.duplicate_list, name="alumni_duplicates"),
    path("run", views.duplicates_run, name="alumni_duplicates_run"),
    path("merged", views.merged_records, name="alumni_merged_records"),
    path("<int:pk>/merge", views.duplicate_merge, name="alumni_duplicate_merge"),
    path("<int:pk>/dismiss", views.duplicate_dismiss, name="alumni_duplicate_dismiss"),
    path("records/<int:pk>/restore", views.record_restore, name="alumni_record_restore"),
]
