"""Structured logging: every record carries the current request id."""

from __future__ import annotations

import logging

from xiaoyou.core import context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id
        return True
