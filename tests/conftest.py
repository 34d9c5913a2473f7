"""Fixtures shared by the whole suite: personas, clients, the Celery mode."""

from __future__ import annotations
