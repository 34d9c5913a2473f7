"""/api/v1/ (the JSON API, its schema and docs) and the hall page for personal tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from xiaoyou.api import errors, views
from xiaoyou.api.main import api, error_response


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with an empty 405; give it the API's error body."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(405, errors.METHOD_NOT_ALLOWED)
            if allowed:
                response["Allow"] = allowed
        return response

    return wrapper


api_patterns, api_app_name, api_namespace = api.urls
for pattern in api_patterns:
    pattern.callback = _json_method_not_allowed(pattern.callback)  # type: ignore[arg-type,union-attr]

urlpatterns: list[Any] = [
    path("v1/", (api_patterns, api_app_name, api_namespace)),
    re_path(r"^v1/(?P<rest>.*)$", views.not_found, name="api-not-found"),
    path("tokens/", views.token_list, name="api-tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="api-token-revoke"),
]
