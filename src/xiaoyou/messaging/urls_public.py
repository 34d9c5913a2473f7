"""Public routes of messaging (/m/): unsubscribe (RFC 8058 one-click POST, no cookies), the
open-tracking pixel and tracked links. Each part adds its routes here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
