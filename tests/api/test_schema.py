from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_and_lists_the_foundation_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # raises on any violation of the OpenAPI 3.x specification
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Xiaoyou API"
    paths = schema["paths"]
    assert {
        "/api/v1/me",
        "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
    } <= set(paths)
    assert set(paths["/api/v1/notifications/{notification_id}/read"]) == {"post"}


def test_schema_declares_both_auth_schemes_and_the_error_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"] == {"type": "apiKey", "in": "cookie", "name": "sessionid"}
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "details"]
    me = schema["paths"]["/api/v1/me"]["get"]
    for status in ("401", "403", "404", "422", "429"):
        assert me["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    assert me["security"] == [{"BearerTokenAuth": []}, {"SessionAuth": []}]


def test_docs_page_loads_nothing_from_outside(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), (
        sources
    )
    # Swagger UI calls out to validator.swagger.io unless told not to.
    assert '"validatorUrl": null' in html


def test_swagger_assets_are_served_locally(client):
    from django.contrib.staticfiles import finders

    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(name) is not None, name
