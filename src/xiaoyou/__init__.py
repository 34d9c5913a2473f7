"""Xiaoyou (校友): alumni association platform."""

from __future__ import annotations

from xiaoyou.celery import app as celery_app

__all__ = ["celery_app"]
