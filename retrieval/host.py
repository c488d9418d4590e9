"""Lends the embedded index to the other processes of a data dir, through the one holding it.

A Qdrant Edge shard is opened by one process at a time. The server process that holds it
runs an :class:`IndexHost`: a small HTTP listener on ``127.0.0.1`` (a port of its own,
in a thread) that searches, upserts and deletes on the shard for others, and writes
``server.json`` in the data dir (mode 0600): its address, its pid and a token made at
start. Other processes on the data dir (``marketgraph search`` beside ``marketgraph
serve``, the other workers of ``serve --workers N``) find the shard locked, read the
file, and go through the host with :class:`retrieval.remote.RemoteTextIndex`. Every
request must carry the token (``Authorization: Bearer``); the listener never leaves the
loopback interface.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

from graph.models import NodeRef
from retrieval.base import TextIndex
from retrieval.errors import DenseUnavailableError, IndexUnavailableError
from retrieval.wire import hit_json, text_from_json

log = logging.getLogger("marketgraph.retrieval")
SERVER_FILE: Final = "server.json"
API: Final = "/v1/index"
MAX_BODY: Final = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServerFile:
    """What ``server.json`` says: where the process holding the index listens."""

    url: str
    pid: int
    token: str
    started_at: str

    def alive(self) -> bool:
        """Whether the process that wrote the file still runs."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # it runs, as another user
        return True


def read_server_file(data_dir: Path) -> ServerFile | None:
    """The data dir's ``server.json`` if a live process wrote it, else None."""
    try:
        raw = json.loads((data_dir / SERVER_FILE).read_text())
        found = ServerFile(
            url=str(raw["url"]),
            pid=int(raw["pid"]),
            token=str(raw["token"]),
            started_at=str(raw.get("started_at", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if found.alive() else None


class _BadRequest(ValueError):
    pass


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the workers of a server and commands may connect at once


class IndexHost:
    """Serves one index to other local processes (see the module docstring).

    ``data_dir`` is where ``server.json`` goes.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.token = secrets.token_urlsafe(32)
        self._index: TextIndex | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str | None:
        if self._server is None:
            return None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def share(self, index: TextIndex) -> None:
        """Start serving ``index`` (the shard this process just opened) and say so in
        ``server.json``. Sharing again only swaps the index served."""
        with self._lock:
            self._index = index
            if self._server is not None:
                return
            server = _Listener(("127.0.0.1", 0), _handler(self))
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, name="marketgraph-index-host", daemon=True
            )
            self._thread.start()
            self._write_file()
        log.info("text index shared with other processes of %s at %s", self.data_dir, self.url)

    def _write_file(self) -> None:
        info = ServerFile(
            url=self.url or "",
            pid=os.getpid(),
            token=self.token,
            started_at=datetime.now(UTC).isoformat(),
        )
        path = self.data_dir / SERVER_FILE
        temp = self.data_dir / f".{SERVER_FILE}.{os.getpid()}"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(info), handle, indent=2)
        os.replace(temp, path)

    def stop(self) -> None:
        """Stop listening and remove ``server.json`` if it is still ours."""
        with self._lock:
            server, self._server = self._server, None
            self._index = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        path = self.data_dir / SERVER_FILE
        with contextlib.suppress(OSError, ValueError, KeyError):
            if json.loads(path.read_text())["pid"] == os.getpid():
                path.unlink()

    # -- requests ----------------------------------------------------------------------
    def authorised(self, header: str | None) -> bool:
        scheme, _, token = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token, self.token)

    def handle(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        index = self._index
        if index is None:
            raise IndexUnavailableError("this process no longer holds the text index")
        if (method, path) == ("GET", API):
            return {"dense_model": index.dense_model, "version": index.version}
        if (method, path) == ("GET", f"{API}/info"):
            info = index.info()
            return {
                "mode": info.mode,
                "dense_model": info.dense_model,
                "points": info.points,
                "location": info.location,
            }
        if (method, path) == ("POST", f"{API}/search"):
            hits = index.search(
                str(body["query"]),
                k=int(body.get("k", 10)),
                brand_id=body.get("brand_id"),
                kinds=body.get("kinds"),
                mode=body.get("mode", "hybrid"),
            )
            return {"hits": [hit_json(h) for h in hits], "version": index.version}
        if (method, path) == ("POST", f"{API}/upsert"):
            index.upsert([text_from_json(t) for t in body["texts"]])
            return {"version": index.version}
        if (method, path) == ("POST", f"{API}/delete"):
            index.delete([NodeRef.parse(str(r)) for r in body["refs"]])
            return {"version": index.version}
        if (method, path) == ("POST", f"{API}/recreate"):
            index.recreate()
            return {"version": index.version}
        raise _BadRequest(f"no such operation: {method} {path}")


def _handler(host: IndexHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # An answer is small and its client waits for it: without TCP_NODELAY, Nagle held
        # each answer's body until the client's delayed ACK of its headers (~40 ms a call).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _error("too_large", "body"))
                self.close_connection = True
                return
            raw = self.rfile.read(length) if length else b""
            if not host.authorised(self.headers.get("Authorization")):
                self._answer(HTTPStatus.UNAUTHORIZED, _error("unauthorized", "bad token"))
                return
            try:
                body = json.loads(raw) if raw else {}
                self._answer(HTTPStatus.OK, host.handle(method, self.path, body))
            except DenseUnavailableError as e:
                self._answer(HTTPStatus.BAD_REQUEST, _error("dense_unavailable", str(e)))
            except IndexUnavailableError as e:
                self._answer(HTTPStatus.SERVICE_UNAVAILABLE, _error("index_unavailable", str(e)))
            except (ValueError, KeyError, TypeError) as e:
                self._answer(HTTPStatus.BAD_REQUEST, _error("bad_request", str(e)))
            except Exception as e:  # a defect: still an answer, and a log line
                log.exception("index host failed on %s %s", method, self.path)
                self._answer(HTTPStatus.INTERNAL_SERVER_ERROR, _error("internal", str(e)))

        def _answer(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("index host: " + format, *args)

    return Handler


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
