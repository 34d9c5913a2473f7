"""The one NinjaAPI at /api/v1/: each app's `api.py` router, one auth, one error format.

An app takes part by having an `api.py` module with a `router` (its paths written in full, e.g.
"/organizations/{organization_id}"); the routers are mounted in INSTALLED_APPS order.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xiaoyou.api import errors
from xiaoyou.api.auth import BearerTokenAuth, SessionAuth
from xiaoyou.core.errors import MESSAGES, ApplicationError

logger = logging.getLogger(__name__)

API_DESCRIPTION = _(
    "JSON API of Xiaoyou for the H5 pages, the WeChat mini program and integrations. "
    "Authenticate with the browser session (send X-CSRFToken on unsafe methods) or with a "
    "personal API token: `Authorization: Bearer xy_...`, made in the service hall's personal "
    'center. Every error has the body {"error": {"code", "message", "details"}}.'
)

ERROR_STATUSES = {
    "401": _("Not signed in, or the token is wrong, revoked or expired."),
    "403": _("Signed in but not allowed."),
    "404": _("Not found, or not visible to you."),
    "422": _("The input is not valid."),
    "429": _("Too many requests."),
}


def error_body(code: str, message: Any = None, details: Any = None) -> dict[str, Any]:
    text = message if message is not None else MESSAGES.get(code, code)
    return {"error": {"code": code, "message": str(text), "details": details}}


def error_response(
    status: int, code: str, message: Any = None, details: Any = None
) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


class XiaoyouAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Adds the shared error responses to every operation, so clients can rely on them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "details"],
                    "properties": {
                        "code": {"type": "string", "description": "Stable, for programs."},
                        "message": {"type": "string", "description": "Translated, for people."},
                        "details": {"description": "Field errors for 422, otherwise null."},
                    },
                }
            },
        }
        reference = {"$ref": "#/components/schemas/Error"}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": str(description),
                            "content": {"application/json": {"schema": reference}},
                        },
                    )
        return schema


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "message": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in exc.errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    """The same error body for every failure, whichever layer raised it."""

    def on_application_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.text())

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(422, errors.INVALID_INPUT, details=_validation_details(exc))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, AuthenticationError):
            status = 401
        code = errors.CODE_BY_STATUS.get(status, f"http_{status}")
        if status == 403 and exc.message == errors.CSRF_FAILED:
            code = errors.CSRF_FAILED
        response = error_response(status, code)
        wait = getattr(exc, "wait", None)
        if status == 429 and wait:
            response["Retry-After"] = str(int(wait))
        return response

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(404, errors.NOT_FOUND)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(403, errors.PERMISSION_DENIED)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, errors.SERVER_ERROR)

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(ApplicationError, on_application_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)


def api_modules() -> Iterator[ModuleType]:
    """The `api` modules of Xiaoyou's installed apps that define a `router`."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xiaoyou."):
            continue
        # "xiaoyou.api" itself gives "xiaoyou.api.api", like every other app.
        module_name = f"{config.name}.api"
        # find_spec first: an ImportError inside an existing api.py must not be swallowed.
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "router"):
            yield module


def build_api() -> XiaoyouAPI:
    api = XiaoyouAPI(
        title="Xiaoyou API",
        version="1",
        description=str(API_DESCRIPTION),
        urls_namespace="api-v1",
        auth=[BearerTokenAuth(), SessionAuth()],
        # Swagger UI's assets come from ninja's own static files; no validator badge call-out.
        docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    )
    install_error_handlers(api)
    for module in api_modules():
        api.add_router("", module.router)
    return api


api = build_api()
