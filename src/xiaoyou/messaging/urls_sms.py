"""Console routes of messaging: SMS campaigns, the quota and birthday greetings (names in the
console namespace, prefixed messaging_sms_, messaging_quota, messaging_birthday_)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
