"""Structured logging: every record carries the current request id."""

from __future__ import annotations

import logging

from xiaoyou.core import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id = context.current().request_id
        if not request_id:
            # django.request's lines for 4xx responses come after the request context has
            # ended; they carry the request, which RequestContextMiddleware stamped.
            request_id = getattr(getattr(record, "request", None), "request_id", "")
        record.request_id = request_id
        return True
