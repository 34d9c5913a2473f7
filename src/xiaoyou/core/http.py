"""One pooled HTTP client per process for the adapters to outside services (SMS gateways,
WeChat, payment providers): a new `httpx.post` builds an SSL context and a connection each time
(~40 ms), which bulk sending pays once per message. Created lazily per process id, so a worker
forked after start-up never shares the parent's sockets; httpx's Client is thread-safe."""

from __future__ import annotations

import os
import threading

import httpx

_clients: dict[int, httpx.Client] = {}
_lock = threading.Lock()


def shared_client() -> httpx.Client:
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _lock:
            client = _clients.get(pid)
            if client is None:
                client = httpx.Client(
                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=10)
                )
                _clients.clear()  # the parent's client, if forked: never used here
                _clients[pid] = client
    return client
