from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    checks = {"database": "ok", "cache": "ok"}
    if settings.REDIS_URL:  # the PostgreSQL + Redis pass also pings the broker
        checks["broker"] = "ok"
    assert response.json() == {"status": "ok", "checks": checks}


def test_plain_static_storage_in_tests():
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")
    assert "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]
