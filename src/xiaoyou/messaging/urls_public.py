"""Public routes of messaging (/m/): unsubscribe (RFC 8058 one-click POST, no cookies), the
open-tracking pixel and tracked links. Each part adds its routes here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from xiaoyou.messaging.views import public_email

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<str:token>.gif", public_email.email_open, name="email_open"),
    path("c/<str:token>/<int:index>/", public_email.email_click, name="email_click"),
    path("u/<str:token>/", public_email.email_unsubscribe, name="email_unsubscribe"),
    path("bounces/", public_email.email_bounce_intake, name="email_bounces"),
    # SMS providers' delivery receipts and replies (urls_sms_public.py).
    path("sms/", include("xiaoyou.messaging.urls_sms_public")),
]
