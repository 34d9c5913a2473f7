"""Local sites serving the saved source pages (tests/discovery/fixtures) on 127.0.0.1.

One HTTP server per source, each rooted at "/" like the real site, so the pages keep their real
links (/wiki/..., /item/..., /leaders/...). Some paths misbehave on purpose: SLOW answers after
`slow_seconds` (longer than the crawl's timeout), ERROR answers 500. Every request is counted
per path, so tests can see retries, the cache and robots.txt at work.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
SLOW = "<slow>"
ERROR = "<500>"

ROUTES: dict[str, dict[str, str]] = {
    "wikidata": {"/sparql": "wikidata/sparql.json"},
    "wikipedia": {
        "/robots.txt": "wikipedia/robots.txt",
        "/wiki/Category:示范大学校友": "wikipedia/category.html",
        "/wiki/李建国": "wikipedia/li_jianguo.html",
        "/wiki/陈明": "wikipedia/chen_ming.html",
        "/wiki/赵强": "wikipedia/zhao_qiang_changed.html",
        "/wiki/刘洋": SLOW,
        "/wiki/周杰": ERROR,
    },
    "baike": {
        "/robots.txt": "baike/robots.txt",
        "/item/示范大学": "baike/school.html",
        "/item/孙伟/12345": "baike/sun_wei_classic.html",
        "/item/吴敏/67890": "baike/wu_min_2023.html",
    },
    "government": {
        "/robots.txt": "gov/robots.txt",
        "/leaders/": "gov/leaders.html",
        "/leaders/zhangsan.html": "gov/zhangsan.html",
        "/leaders/lisi.html": "gov/lisi.html",
        "/leaders/zhaoliu.html": "gov/zhaoliu.html",
        "/private/wangwu.html": "gov/wangwu.html",
    },
    "news": {
        "/business.rss": "news/business.rss",
        "/tech.atom": "news/tech.atom",
        "/broken.rss": ERROR,
    },
    "disclosure": {
        "/annual-reports/": "disclosure/reports.html",
        "/reports/600001-2023.html": "disclosure/600001-2023.html",
        "/reports/600002-2023.html": "disclosure/600002-2023.html",
        "/reports/600003-2023.html": "disclosure/600003-2023-scanned.html",
    },
}


class FixtureSite:
    def __init__(self, routes: dict[str, str], *, slow_seconds: float = 1.5) -> None:
        self.routes = routes
        self.slow_seconds = slow_seconds
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                site.hits[path] += 1
                target = site.routes.get(path)
                if target is None:
                    self._send(404, b"not found", "text/plain")
                elif target == SLOW:
                    time.sleep(site.slow_seconds)
                    self._send(200, b"<html><body>late</body></html>", "text/html")
                elif target == ERROR:
                    self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
                elif (
                    path == "/sparql" and "wd:Q" not in parse_qs(parts.query).get("query", [""])[0]
                ):
                    self._send(400, b"MalformedQuery", "text/plain")
                else:
                    body = (FIXTURES / target).read_bytes()
                    kind = (
                        "application/xml"
                        if target.endswith((".rss", ".atom"))
                        else "application/sparql-results+json"
                        if target.endswith(".json")
                        else "text/plain"
                        if target.endswith(".txt")
                        else "text/html; charset=utf-8"
                    )
                    self._send(200, body, kind)

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up waiting (the timeout case)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FixtureSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def fixture_sites(*, slow_seconds: float = 1.5) -> Iterator[dict[str, FixtureSite]]:
    sites = {
        key: FixtureSite(routes, slow_seconds=slow_seconds).start()
        for key, routes in ROUTES.items()
    }
    try:
        yield sites
    finally:
        for site in sites.values():
            site.stop()
