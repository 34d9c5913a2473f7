"""The one Celery application: Redis broker in production, a server-less filesystem broker embedded."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaoyou.settings")

app = Celery("xiaoyou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
