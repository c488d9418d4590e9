"""The serving benchmark's load generator, against a small real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from bench.load import build, run


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the generator expects
    seen: ClassVar[list[tuple[str, str, bytes, str]]] = []

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, b"", self.headers.get("Authorization", "")))
        self._answer(404 if self.path == "/missing" else 200, b'{"status": "ok"}')

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(("POST", self.path, body, self.headers.get("Authorization", "")))
        self._answer(200, b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_fixed_number_of_calls_cycles_through_the_requests(url: str) -> None:
    requests: list[dict[str, Any]] = [
        {"path": "/a"},
        {"method": "POST", "path": "/b", "body": {"q": "x"}},
    ]
    result = asyncio.run(run(url, requests, ["Authorization: Bearer k"], clients=2, count=6))
    assert result["requests"] == 6 == len(result["latencies_ms"])
    assert result["statuses"] == {"200": 6}
    assert all(ms > 0 for ms in result["latencies_ms"]) and result["per_second"] > 0
    assert sorted(p for _, p, _, _ in Recorder.seen) == ["/a"] * 3 + ["/b"] * 3
    posted = [body for method, _, body, _ in Recorder.seen if method == "POST"]
    assert len(posted) == 3 and all(json.loads(b) == {"q": "x"} for b in posted)
    assert {auth for *_, auth in Recorder.seen} == {"Bearer k"}


def test_a_timed_run_counts_every_answer_by_status(url: str) -> None:
    result = asyncio.run(run(url, [{"path": "/missing"}], [], clients=3, seconds=0.3))
    assert result["requests"] >= 3 and result["statuses"] == {"404": result["requests"]}
    assert 0.3 <= result["seconds"] < 5


def test_requests_are_plain_http_with_a_json_body() -> None:
    raw = build("h:1", {"method": "POST", "path": "/v1/search", "body": {"k": 1}}, ["X: y"])
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n") == [
        b"POST /v1/search HTTP/1.1",
        b"Host: h:1",
        b"X: y",
        b"Content-Type: application/json",
        b"Content-Length: 8",
    ]
    assert json.loads(body) == {"k": 1}
