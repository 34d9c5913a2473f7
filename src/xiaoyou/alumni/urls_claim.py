"""Hall URLs of identity claims (认证校友身份), included under /me/claim/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import hall_claim

urlpatterns: list = [
    path("", hall_claim.claim, name="alumni_claim"),
]
