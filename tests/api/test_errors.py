from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from tests.api.conftest import error_of
from xiaoyou.api.main import api
from xiaoyou.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_404_for_an_unknown_object(client, platform_admin):
    client.force_login(platform_admin)
    response = client.get("/api/v1/organizations/999999")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_404_for_an_unknown_path_is_json_too(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_422_lists_the_invalid_fields(client, platform_admin):
    client.force_login(platform_admin)
    response = client.get("/api/v1/organizations/not-a-number")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["details"][0]["loc"] == ["path", "organization_id"]
    assert error["details"][0]["type"] == "int_parsing"

    paged = client.get("/api/v1/organizations?page=0&page_size=500")
    assert paged.status_code == 422
    locations = sorted(tuple(item["loc"]) for item in error_of(paged)["details"])
    assert locations == [("query", "page"), ("query", "page_size")]


def test_405_for_a_wrong_method(client, verified_alumnus):
    client.force_login(verified_alumnus)
    response = client.get("/api/v1/notifications/1/read")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert error_of(response)["code"] == "method_not_allowed"


def test_403_and_application_errors_use_the_same_body():
    request = RequestFactory().get("/api/v1/me")
    denied = api.on_exception(request, PermissionDenied("no"))
    assert denied.status_code == 403
    assert error_of(denied)["code"] == "permission_denied"

    conflict = api.on_exception(request, ApplicationError("conflict", status=409))
    assert conflict.status_code == 409
    assert error_of(conflict) == {
        "code": "conflict",
        "message": "The object was changed by someone else. Reload and try again.",
        "details": None,
    }


def test_messages_follow_the_request_language(client):
    with translation.override("en"):
        english = error_of(client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en"))
    assert english["message"] == "Sign in or send a valid API token."
    # The code never changes with the language; programs rely on it.
    chinese = error_of(client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert chinese["code"] == english["code"] == "not_authenticated"


def test_unexpected_errors_are_500_in_the_error_format(caplog):
    request = RequestFactory().get("/api/v1/me")
    response = api.on_exception(request, RuntimeError("boom"))
    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "boom" not in response.content.decode()
