from __future__ import annotations

from django.urls import path

from xiaoyou.hall.views import hall

app_name = "hall"
urlpatterns = [
    path("", hall.home, name="home"),
    path("me/", hall.me, name="me"),
    path("language", hall.set_language, name="set_language"),
    path("events/", hall.placeholder, {"section": "events"}, name="events"),
    path("alumni/", hall.placeholder, {"section": "alumni"}, name="alumni"),
]
