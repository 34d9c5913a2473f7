"""Hall URLs of the alumnus's own record (我的档案), included under /me/profile/."""

from __future__ import annotations

from django.urls import path

from xiaoyou.alumni.views import hall_profile

urlpatterns: list = [
    path("", hall_profile.my_profile, name="alumni_my_profile"),
]
