"""Helpers of the execution tests: the demo catalogue in a store, and a real webhook receiver."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from demo import DemoDataset, generate
from graph.base import GraphStore
from ingest import Part, ingest
from ingest.readers import describe


@functools.cache
def demo(seed: int = 7) -> DemoDataset:
    """The demo data set of ``seed`` (generated once per test session)."""
    return generate(seed=seed)


def load_catalogue(store: GraphStore, seed: int = 7, assets: int = 12) -> DemoDataset:
    """Ingest the demo's brands, channels and audiences and each brand's first ``assets``
    assets (without campaigns: the sandbox makes its own campaign and outcomes)."""
    dataset = demo(seed)
    chosen: list[dict[str, Any]] = []
    for brand in dataset.brands:
        mine = [a for a in dataset.assets if a["brand_id"] == brand["id"]][:assets]
        chosen.extend({**a, "campaign_ids": []} for a in mine)
    kinds = {
        "brands": dataset.brands,
        "channels": dataset.channels,
        "audiences": dataset.audiences,
        "assets": chosen,
    }
    parts = []
    for kind, records in kinds.items():
        data = b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in records)
        source = describe(f"demo-catalogue:{kind}.jsonl", data)
        parts.append(Part(kind=kind, source=source, rows=enumerate(records, start=1)))
    ingest(store, parts)
    return dataset


@dataclass
class Request:
    """One request the receiver got."""

    at: float
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        return self.headers.get("idempotency-key", "")


@dataclass
class Receiver:
    """A webhook receiver on a real loopback port that dedupes by ``Idempotency-Key``.

    ``answer(key, n)`` gives the status of the ``n``-th request (1-based) with that
    idempotency key; ``hold`` blocks requests (after applying their effect) until it is set.
    """

    url: str = ""
    answer: Callable[[str, int], int] = lambda key, n: 200
    requests: list[Request] = field(default_factory=list)
    effects: dict[str, int] = field(default_factory=dict)  # key -> times its effect applied
    hold: threading.Event | None = None
    received: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        return [r.key for r in self.requests]


@contextmanager
def receiver(
    answer: Callable[[str, int], int] = lambda key, n: 200, hold: bool = False
) -> Iterator[Receiver]:
    """Run a :class:`Receiver` for the block."""
    state = Receiver(answer=answer, hold=threading.Event() if hold else None)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with state.lock:
                request = Request(at=time.monotonic(), headers=headers, body=body)
                state.requests.append(request)
                status = state.answer(request.key, state.keys().count(request.key))
                if 200 <= status < 300 and request.key not in state.effects:
                    state.effects[request.key] = 1  # the effect, once per key
                elif 200 <= status < 300:
                    pass  # a duplicate: acknowledged, not applied again
            state.received.set()
            if state.hold is not None:
                state.hold.wait(timeout=60)
            payload = json.dumps({"id": f"ext-{len(state.requests)}"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the sender is gone (a killed worker): nothing to answer
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, step: float = 0.05) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
