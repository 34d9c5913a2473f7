"""Public SMS routes (to include under /m/sms/ from urls_public.py): the providers' receipts
and replies."""

from __future__ import annotations

from django.urls import path

from xiaoyou.messaging.views.sms_receipts import sms_callback

urlpatterns = [
    path(
        "<slug:provider>/<slug:kind>/<str:token>",
        sms_callback,
        name="sms_callback",
    ),
]
