"""API authentication: personal bearer tokens, or the browser session with a CSRF check.

Token failures are counted per client address; past the limit every bearer attempt from that
address is refused with 429 for the rest of the window, so secrets cannot be guessed online.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError, Throttled
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from xiaoyou.api.selectors import api_token_find
from xiaoyou.api.services import api_token_mark_used
from xiaoyou.core import ratelimit
from xiaoyou.core.middleware import client_ip


def failure_rate() -> tuple[int, int]:
    """(failures, seconds): past this many wrong tokens from one address, refuse it a while."""
    return (
        int(getattr(settings, "API_TOKEN_FAILURE_LIMIT", 10)),
        int(getattr(settings, "API_TOKEN_FAILURE_WINDOW", 600)),
    )


def _failure_key(request: HttpRequest) -> str:
    return f"api:token-failures:{client_ip(request) or 'unknown'}"


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer xy_<prefix>_<secret>` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        key = _failure_key(request)
        limit, window = failure_rate()
        if ratelimit.remaining(key, limit, window) < 1:
            raise Throttled(wait=ratelimit.retry_after(key, limit, window))
        found = api_token_find(token)
        if found is None:
            ratelimit.hit(key, limit, window)
            return None
        api_token_mark_used(token=found)
        # Code below the API reads request.user, as it does for a session.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token, as forms do.

    Unlike ninja's own, the CSRF check runs only when a session user exists, so a request
    without any credentials gets 401, not 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise HttpError(403, "csrf_failed")
        return user
