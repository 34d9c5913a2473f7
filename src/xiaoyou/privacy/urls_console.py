from __future__ import annotations

from django.urls import path

from xiaoyou.privacy.views import console

# Mounted at /console/privacy/ in the console's namespace.
urlpatterns = [
    path("policies/", console.policies, name="privacy_policies"),
    path("erasures/", console.erasures, name="privacy_erasures"),
]
