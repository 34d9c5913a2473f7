"""Views of the shared kernel that belong to no shell."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database and the cache answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # pragma: no cover - exercised by the fault tests
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception as exc:  # pragma: no cover
        checks["cache"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        # Production: workers and beat depend on the Redis broker. The embedded filesystem
        # broker is a local directory and has nothing to ping.
        checks["broker"] = _broker_check(settings.CELERY_BROKER_URL)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _broker_check(url: str) -> str:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection_:
            connection_.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=2
            )
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
