from __future__ import annotations

from django.urls import path

from xiaoyou.hall.views import hall

app_name = "hall"
urlpatterns = [
    path("", hall.home, name="home"),
]
