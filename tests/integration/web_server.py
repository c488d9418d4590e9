"""A real HTTP server on a free loopback port standing in for a web-search service and an
analytics API (``/search``, ``/analytics``), and a broken one (``/broken``: status 500)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

WEB = [
    {
        "title": "Best waterproof hiking boots of 2026",
        "url": "https://reviews.example/boots-2026",
        "content": "Testers rank waterproof membranes and break-in time.",
    },
    {"title": "Boot care", "url": "https://blog.example/care", "snippet": "Wax twice a season."},
]
ANALYTICS = [
    {
        "title": "Search interest: waterproof hiking boots",
        "url": "https://analytics.example/interest",
        "value": 72,
        "metric": "interest_index",
    }
]


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.seen.append(parse_qs(url.query).get("q", [""])[0])
        if url.path == "/broken":
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps({"results": WEB if url.path == "/search" else ANALYTICS}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def web_server() -> Iterator[str]:
    """A real HTTP server on a free loopback port: /search, /analytics and /broken."""
    Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
