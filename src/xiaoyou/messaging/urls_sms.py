"""Console routes of messaging: sms (names are in the console namespace, prefixed messaging_)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
