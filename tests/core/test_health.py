"""/healthz: database, cache and (with Redis) the Celery broker answer."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_embedded_mode_has_no_broker_to_ping(client):
    with override_settings(REDIS_URL="", CELERY_BROKER_URL="filesystem://"):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_makes_healthz_fail(client):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(REDIS_URL=dead, CELERY_BROKER_URL=dead):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"] == "error: OperationalError"
    assert body["checks"]["database"] == "ok"


@pytest.mark.skipif(
    not settings.REDIS_URL, reason="runs in the PostgreSQL + Redis pass (REDIS_URL)"
)
def test_live_redis_broker_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_healthz_answers_plain_http_behind_the_production_ssl_redirect(client):
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"]):
        health = client.get("/healthz")
        response = client.get("/console/")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/console/"
