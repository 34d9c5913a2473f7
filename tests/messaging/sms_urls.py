"""The project's URLs plus the SMS callbacks under /m/sms/ (until urls_public.py includes
xiaoyou.messaging.urls_sms_public)."""

from __future__ import annotations

from django.urls import include, path

from xiaoyou.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("m/sms/", include(("xiaoyou.messaging.urls_sms_public", "messaging_sms"))),
    *project_urlpatterns,
]
