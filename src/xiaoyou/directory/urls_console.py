"""Console pages of the directory, included under /console/directory/ ("console" namespace)."""

from __future__ import annotations

from django.urls import path

from xiaoyou.directory.views import console_directory_settings

urlpatterns = [
    path("settings/", console_directory_settings.settings_page, name="directory_settings"),
]
