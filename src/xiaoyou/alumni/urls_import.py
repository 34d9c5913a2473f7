"""Console pages of the bulk import, included under /console/alumni/import/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import console_import as views

urlpatterns = [
    path("", views.import_home, name="alumni_import"),
    path("<int:pk>/mapping", views.import_mapping, name="alumni_import_mapping"),
    path("<int:pk>/preview", views.import_preview, name="alumni_import_preview"),
    path("<int:pk>/run", views.import_run, name="alumni_import_run"),
    path("<int:pk>/", views.import_detail, name="alumni_import_detail"),
    path("<int:pk>/report", views.import_report, name="alumni_import_report"),
    path("<int:pk>/undo", views.import_undo, name="alumni_import_undo"),
]
