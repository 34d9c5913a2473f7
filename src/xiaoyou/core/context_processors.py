"""Values every template needs: school branding and the shells' registries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    from xiaoyou.core import branding

    return {"brand": branding.current(), "SITE_URL": settings.SITE_URL}
