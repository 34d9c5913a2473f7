"""Console routes of messaging (/console/messaging/): email in urls_email.py, SMS, quota and
birthday greetings in urls_sms.py."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("xiaoyou.messaging.urls_email")),
    path("sms/", include("xiaoyou.messaging.urls_sms")),
]
