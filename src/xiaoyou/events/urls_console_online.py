"""console online pages of events (included by urls_console.py under the same namespace)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
