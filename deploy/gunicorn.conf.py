"""Gunicorn settings for the Xiaoyou web service (deploy/systemd/xiaoyou-web.service, compose).

Every value can be overridden by the environment variable named next to it.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "xiaoyou.wsgi:application"

# Behind nginx on the same machine by default; 0.0.0.0:8000 inside a container.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers with a few threads each: the app is mostly database-bound, and threads keep
# memory low while a slow upload or export does not block a whole process.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"

# Exports and imports can take a while; anything longer belongs in a background job.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200

# Trust X-Forwarded-* only from the local nginx (or the compose network's proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stdout/stderr (journald or docker collects them). The access log is one JSON
# object per line, like the application's own logs, with the request id the app returned.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%({x-forwarded-for}i)s", '
    '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"user_agent": "%(a)s"}'
)

# Load the application before forking: faster worker start, shared memory pages.
preload_app = True
