"""Structured logs: one JSON object per line, carrying the request id of the request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Redirects the configured console handler (settings.LOGGING) into a buffer."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and type(handler.formatter).__name__ == "JsonFormatter"
    )
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def records(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_request_logs_json_with_the_request_id(client, log_lines):
    response = client.get("/no-such-page-xyz", HTTP_X_REQUEST_ID="req-7f3a9c")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-7f3a9c"
    [record] = [item for item in records(log_lines) if item.get("logger") == "django.request"]
    assert record["message"] == "Not Found: /no-such-page-xyz"
    assert record["level"] == "WARNING"
    assert record["request_id"] == "req-7f3a9c"
    assert set(record) >= {"time", "level", "logger", "message", "request_id"}


@pytest.mark.django_db
def test_a_request_without_an_id_gets_one(client, log_lines):
    response = client.get("/no-such-page-abc")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    # The application's own time on the request, for developer tools and benchmarks.
    name, _, duration = response["Server-Timing"].partition(";dur=")
    assert name == "app" and 0 < float(duration) < 60_000
    [record] = [item for item in records(log_lines) if item.get("logger") == "django.request"]
    assert record["request_id"] == request_id


def test_logs_outside_a_request_have_an_empty_request_id(log_lines):
    logging.getLogger("xiaoyou.test").warning("nightly check %s", "done", extra={"job_id": 7})
    [record] = records(log_lines)
    assert record == {
        "time": record["time"],
        "level": "WARNING",
        "logger": "xiaoyou.test",
        "message": "nightly check done",
        "request_id": "",
        "job_id": 7,
    }
