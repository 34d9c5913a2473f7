"""Request-wide middleware: request context for audit and logs, application errors to pages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from xiaoyou.core import context
from xiaoyou.core.errors import ApplicationError


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; X-Forwarded-For is trusted only behind a configured proxy."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Request id and context for audit and logs; the time the application spent on the
    request in a `Server-Timing: app;dur=<ms>` header (browsers' developer tools show it,
    benchmarks and the reverse proxy's log can read it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        # Django logs 4xx responses after this middleware has returned: the log filter finds
        # the id on the request then.
        request.request_id = request_id[:64]  # type: ignore[attr-defined]
        token = context.activate(
            context.RequestContext(
                request_id=request_id[:64],
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id[:64]
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


class ApplicationErrorMiddleware:
    """Turns an ApplicationError raised by a service into a translated page or JSON body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        payload = {"error": {"code": exception.code, "message": exception.text()}}
        if request.path.startswith("/api/") or "application/json" in request.headers.get(
            "Accept", ""
        ):
            return JsonResponse(payload, status=exception.status)
        return render(request, "error.html", payload, status=exception.status)
