"""Hall pages of the notable alumni whose profile is public, under /notables/ ("hall")."""

from __future__ import annotations

from django.urls import path

from xiaoyou.discovery.views import hall

urlpatterns = [
    path("", hall.notable_directory, name="discovery_notables"),
    path("<int:pk>/", hall.notable_profile, name="discovery_notable"),
]
