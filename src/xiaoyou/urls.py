from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from xiaoyou.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("console/", include("xiaoyou.console.urls")),
    path("api/", include("xiaoyou.api.urls")),
    path("payments/", include("xiaoyou.payments.urls_notify")),
    # Unsubscribe, open pixel and tracked links of email campaigns (no session needed).
    path("m/", include(("xiaoyou.messaging.urls_public", "messaging"))),
    # Mail providers' tracking webhooks (/anymail/<provider>/tracking/, basic auth + signature).
    path("anymail/", include("anymail.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("xiaoyou.hall.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
