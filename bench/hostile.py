"""``python -m bench hostile``: issue 15's hostile requests replayed against a real server.

Issue 15 measured what a few hostile requests cost a server before the limits
(``ingest/limits.py``, ``api/body_limit.py``) and the lineage budget existed. This replays
them, one at a time, against a real ``marketgraph serve`` (a subprocess; ``--workers``) on
an embedded data dir holding the demo data set scaled to ``--size`` outcome rows, and prints
per case, beside the issue's "before" figure:

* the status and the seconds to the answer (the body's upload included);
* the response's bytes, and the request bytes sent before the answer came (sending
  stops there: a refusal from the headers alone leaves only what the socket buffers took);
* the server's memory: RSS of the server and its workers before the case, and their peak
  during it (each process's ``VmHWM``, reset through ``/proc/PID/clear_refs`` before the
  case, and ``VmRSS`` sampled every 10 ms);
* ``GET /healthz`` latency (p50 / p95 / max) of a client polling it while the case runs,
  so that a stall shows.

The cases:

1. 1M lines of ``{}`` (3 MB) to ``POST /v1/ingest/outcomes``;
2. a zip bomb (~400 KB inflating to 400 MiB of zeros) to ``POST /v1/ingest/from/cms``,
   and one inflating to 1 KiB less than the server's ``zip_bytes`` limit (it is read
   whole: what a zip may cost within the limits);
3. an unauthenticated 200 MB ``POST /v1/search``, streamed, with a ``Content-Length`` and
   again without one (chunked);
4. a campaign record nesting a list 100,000 levels deep to ``POST /v1/ingest/campaigns``;
5. a campaign with a 50 MB name (and the campaign list's size afterwards);
6. a viewer (limited to the busiest brand) asking ``GET /v1/lineage/Brand:X?direction=down
   &depth=10&limit=5000`` of that brand.

Writes ``bench/results/hostile.json``. ``--quick`` is a tiny run that checks the bench
works (bodies a hundredth the size, the server's zip limit lowered to match).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import select
import socket
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

from api.services import open_services
from api.settings import Settings as ServiceSettings
from bench.common import Progress, latency, machine
from bench.serving_server import KEY, Server
from demo import dataset_parts, generate
from graph.schema import Label
from ingest.limits import DEFAULT_LIMITS
from workflows.ingest import ingest_records

RESULTS: Final = Path(__file__).resolve().parent / "results" / "hostile.json"
SEED: Final = 7
VIEWER: Final = "bench-hostile-viewer-key"
MIB: Final = 1024 * 1024
CHUNK: Final = MIB  # bytes per send of a streamed body
KEPT: Final = 16 * MIB  # bytes of an answer kept (the rest is counted only)

# What issue 15 measured on the code before the limits (its text, case by case).
BEFORE: Final = {
    "million-empty-lines": "422 after 23 s, a 203 MB response, peak RSS 1.6 GB",
    "zip-bomb": "inflated 400 MB in memory, peak RSS 2.4 GB",
    "zip-at-limit": "(not in the issue: the most a zip costs within the default limits)",
    "search-200mb-length": "401 after reading the whole body: +355 MB RSS",
    "search-200mb-chunked": "401 after reading the whole body: +355 MB RSS",
    "deep-json": "500 (RecursionError)",
    "name-50mb": "200: accepted; every campaign list then returns 50 MB",
    "lineage-walk": "24 s at 340k outcomes; other requests 0.13 s -> 14.5 s",
}


@dataclass
class Settings:
    size: int
    workers: int
    scale: float  # body sizes relative to the (1.0; --quick: 0.01)
    output: Path


@dataclass
class Request:
    """One hostile request: ``body`` is bytes, or chunks streamed as they are produced."""

    case: str
    what: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | Iterator[bytes] | None = None
    length: int | None = None  # a streamed body's Content-Length; None: sent chunked


@dataclass
class Reply:
    status: int | None  # None: the connection ended before a status line
    seconds: float
    response_bytes: int
    sent_bytes: int
    body: bytes  # the first KEPT bytes of the body
    note: str = ""

    @property
    def excerpt(self) -> str:
        return self.body[:300].decode("utf-8", "replace")


@dataclass
class CaseResult:
    case: str
    what: str
    status: int | None
    seconds: float
    response_bytes: int
    sent_bytes: int
    rss_before_mb: float
    peak_rss_mb: float  # the sum of each process's VmHWM during the case
    sampled_peak_rss_mb: float  # the largest sum of VmRSS seen (sampled every 10 ms)
    healthz: dict[str, Any]
    load: float
    before: str
    excerpt: str
    detail: dict[str, Any] = field(default_factory=dict)


# -- the raw HTTP exchange --------------------------------------------------------------


def exchange(port: int, request: Request, timeout: float = 600) -> Reply:
    """Send ``request`` on a fresh connection and read the answer, over a plain socket.

    The body is sent a chunk at a time and sending stops as soon as the server answers
    (as a client would notice when the server refuses early): ``sent_bytes`` is what went
    out before that. A server that closes the connection while the body is still coming is
    not an error here; its answer, if any, is still read.
    """
    started = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    head = [f"{request.method} {request.path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"{k}: {v}" for k, v in request.headers.items()]
    length = len(request.body) if isinstance(request.body, bytes) else request.length
    chunked = request.body is not None and length is None
    if length is not None:
        head.append(f"Content-Length: {length}")
    elif chunked:
        head.append("Transfer-Encoding: chunked")
    sent, note = 0, ""
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        chunks = [request.body] if isinstance(request.body, bytes) else request.body or []
        answered = False
        for chunk in chunks:
            for start in range(0, len(chunk), CHUNK):
                if select.select([sock], [], [], 0)[0]:
                    answered = True  # the server answered before the body was all sent
                    break
                piece = chunk[start : start + CHUNK]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            if answered:
                break
        if chunked and not answered:
            sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError) as e:
        note = f"the server closed the connection while the body was sent ({e.strerror})"
    status, received, body = _read_answer(sock)
    sock.close()
    return Reply(status, time.perf_counter() - started, received, sent, body, note)


def _read_answer(sock: socket.socket) -> tuple[int | None, int, bytes]:
    """(status, body bytes, the body's first :data:`KEPT` bytes) of the answer."""
    data = bytearray()
    total = 0
    try:
        while True:
            chunk = sock.recv(256 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if len(data) < KEPT:
                data += chunk[: KEPT - len(data)]
    except (ConnectionResetError, TimeoutError):
        pass
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0 or not data.startswith(b"HTTP/1."):
        return None, total, bytes(data[:300])
    status = int(data.split(b" ", 2)[1])
    return status, total - head_end - 4, bytes(data[head_end + 4 :])


# -- watching the server ------------------------------------------------------------------


class Watch:
    """While a case runs: the server's memory, and ``/healthz`` latency from another client.

    Peak memory is each process's ``VmHWM`` (reset before the case where the kernel allows
    writing ``5`` to ``/proc/PID/clear_refs``) summed, and the largest sum of ``VmRSS``
    sampled every 10 ms. ``/healthz`` is asked every 20 ms on a kept-alive connection; a
    call still waiting when the case ends is waited for (it is the stall).
    """

    def __init__(self, server: Server) -> None:
        self.server = server
        self.pids = server.pids()
        self.stop = threading.Event()
        self.sampled_peak_kb = 0
        self.healthz_ms: list[float] = []
        self.healthz_errors = 0
        self.hwm_reset = all(_reset_hwm(pid) for pid in self.pids)
        self.rss_before_kb = _sum_status(self.pids, "VmRSS")
        self.threads = [
            threading.Thread(target=self._sample, daemon=True),
            threading.Thread(target=self._poll, daemon=True),
        ]

    def __enter__(self) -> Watch:
        for thread in self.threads:
            thread.start()
        time.sleep(0.1)  # a few polls and samples before the case starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=300)

    def _sample(self) -> None:
        while not self.stop.is_set():
            self.sampled_peak_kb = max(self.sampled_peak_kb, _sum_status(self.pids, "VmRSS"))
            time.sleep(0.01)

    def _poll(self) -> None:
        with httpx.Client(base_url=self.server.url, timeout=300) as http:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = http.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    self.healthz_ms.append((time.perf_counter() - started) * 1000)
                else:
                    self.healthz_errors += 1
                time.sleep(0.02)

    def peak_mb(self) -> float:
        hwm = _sum_status(self.pids, "VmHWM") if self.hwm_reset else 0
        return max(hwm, self.sampled_peak_kb) / 1024

    def healthz(self) -> dict[str, Any]:
        if not self.healthz_ms:
            return {"calls": 0, "errors": self.healthz_errors}
        lat = latency(self.healthz_ms)
        return {
            "calls": lat.calls,
            "errors": self.healthz_errors,
            "p50_ms": round(lat.p50_ms, 1),
            "p95_ms": round(lat.p95_ms, 1),
            "max_ms": round(lat.max_ms, 1),
        }


def _reset_hwm(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _sum_status(pids: Sequence[int], key: str) -> int:
    """The sum of one ``/proc/PID/status`` field (kB) over ``pids``."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


# -- the data dir and the cases -------------------------------------------------------------


def load_data_dir(data_dir: Path, size: int, progress: Progress) -> dict[str, Any]:
    """The demo data set (seed 7, with extras) scaled to ``size`` outcome rows, ingested
    and indexed in a fresh embedded data dir; returns the counts and the busiest brand."""
    progress.say(f"generating the demo data set with about {size:,} outcome rows")
    dataset = generate(seed=SEED, outcome_rows=size, extras=True)
    progress.say("ingesting it into a fresh data dir (the pipeline, with the text index)")
    started = time.perf_counter()
    services = open_services(ServiceSettings(data_dir=data_dir))
    try:
        report = ingest_records(services, dataset_parts(dataset))
        if report.index_pending:
            raise RuntimeError(f"the demo load left texts unindexed: {report}")
        outcomes = services.graph.count(Label.OUTCOME)
        campaigns = services.graph.count(Label.CAMPAIGN)
    finally:
        services.close()
    runs: dict[str, int] = {}
    for campaign in dataset.records("campaigns"):
        runs[str(campaign["brand_id"])] = runs.get(str(campaign["brand_id"]), 0) + 1
    brand = max((n, b) for b, n in runs.items())[1]
    seconds = time.perf_counter() - started
    progress.say(f"loaded {outcomes:,} outcomes, {campaigns} campaigns in {seconds:.0f} s")
    return {"outcomes": outcomes, "campaigns": campaigns, "brand": brand, "load_s": seconds}


def _zip_bomb(inflated: int) -> bytes:
    """A zip of one Markdown post (front matter, then zero bytes) of ``inflated`` bytes;
    deflate shrinks it about a thousand times."""
    raw = io.BytesIO()
    head = b"---\ntitle: Bomb\ndate: 2026-03-01\n---\n"
    with (
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("bomb.md", "w") as member,
    ):
        member.write(head)
        left = inflated - len(head)
        zeros = bytes(MIB)
        while left > 0:
            member.write(zeros[: min(left, MIB)])
            left -= MIB
    return raw.getvalue()


def _search_body(total: int) -> Iterator[bytes]:
    """A JSON search body of ``total`` bytes, produced a chunk at a time."""
    yield b'{"query": "'
    left = total - len(b'{"query": "') - len(b'"}')
    block = b"a" * CHUNK
    while left > 0:
        yield block[: min(left, CHUNK)]
        left -= CHUNK
    yield b'"}'


def _deep_campaign(brand: str, levels: int) -> bytes:
    record = json.dumps({"id": "cmp-hostile-deep", "brand_id": brand, "name": "Deep"})
    return (record[:-1] + ', "deep": ' + "[" * levels + "]" * levels + "}\n").encode()


def cases(s: Settings, brand: str) -> list[Request]:
    admin = {"Authorization": f"Bearer {KEY}"}
    ndjson = {**admin, "Content-Type": "application/x-ndjson"}
    lines = int(1_000_000 * s.scale)
    empty = b"{}\n" * lines
    bomb = _zip_bomb(int(400 * MIB * s.scale))
    under = _zip_bomb(zip_limit(s) - 1024)
    search = int(200_000_000 * s.scale)
    levels = int(100_000 * s.scale)
    name = int(50_000_000 * s.scale)
    named = json.dumps({"id": "cmp-hostile-name", "brand_id": brand, "name": "x" * name})
    viewer = {"Authorization": f"Bearer {VIEWER}"}
    deep = _deep_campaign(brand, levels)
    return [
        Request("million-empty-lines", f"{lines:,} lines of {{}} ({len(empty) / 1e6:.0f} MB), "
                "admin", "POST", "/v1/ingest/outcomes", ndjson, empty),
        Request("zip-bomb",
                f"zip of {len(bomb) / 1e3:,.0f} KB inflating to {400 * s.scale:,.0f} MiB, admin",
                "POST", f"/v1/ingest/from/cms?brand_id={brand}",
                {**admin, "Content-Type": "application/zip"}, bomb),
        Request("zip-at-limit",
                f"zip of {len(under) / 1e3:,.0f} KB inflating to 1 KiB under zip_bytes, admin",
                "POST", f"/v1/ingest/from/cms?brand_id={brand}",
                {**admin, "Content-Type": "application/zip"}, under),
        Request("search-200mb-length",
                f"{search / 1e6:,.0f} MB, no key, with Content-Length, streamed",
                "POST", "/v1/search", {"Content-Type": "application/json"},
                _search_body(search), search),
        Request("search-200mb-chunked", f"{search / 1e6:,.0f} MB, no key, chunked (no length)",
                "POST", "/v1/search", {"Content-Type": "application/json"},
                _search_body(search)),
        Request("deep-json", f"campaign nesting a list {levels:,} levels deep, admin",
                "POST", "/v1/ingest/campaigns", ndjson, deep),
        Request("name-50mb", f"campaign with a {name / 1e6:,.1f} MB name, admin",
                "POST", "/v1/ingest/campaigns", ndjson, named.encode() + b"\n"),
        Request("lineage-walk", f"viewer of {brand}: Brand:{brand} down, depth 10, limit 5000",
                "GET", f"/v1/lineage/Brand:{brand}?direction=down&depth=10&limit=5000", viewer),
    ]  # fmt: skip


def run_case(server: Server, request: Request, progress: Progress) -> CaseResult:
    progress.say(f"{request.case}: {request.method} {request.path.split('?')[0]}")
    load = os.getloadavg()[0]
    with Watch(server) as watch:
        reply = exchange(server.port, request)
    result = CaseResult(
        case=request.case,
        what=request.what,
        status=reply.status,
        seconds=round(reply.seconds, 3),
        response_bytes=reply.response_bytes,
        sent_bytes=reply.sent_bytes,
        rss_before_mb=round(watch.rss_before_kb / 1024, 1),
        peak_rss_mb=round(watch.peak_mb(), 1),
        sampled_peak_rss_mb=round(watch.sampled_peak_kb / 1024, 1),
        healthz=watch.healthz(),
        load=round(load, 2),
        before=BEFORE[request.case],
        excerpt=reply.excerpt,
    )
    if reply.note:
        result.detail["note"] = reply.note
    if request.case == "lineage-walk" and reply.status == 200 and len(reply.body) < KEPT:
        answer = json.loads(reply.body)  # (an answer past KEPT bytes is only counted)
        result.detail = {
            "nodes": len(answer.get("nodes", [])),
            "edges": len(answer.get("edges", [])),
            "truncated": answer.get("truncated"),
            "truncated_reason": answer.get("truncated_reason"),
        }
    progress.say(
        f"{request.case}: {reply.status} in {reply.seconds:.2f} s, "
        f"{reply.response_bytes:,} bytes, peak RSS {result.peak_rss_mb:,.0f} MB"
    )
    return result


def campaign_list_bytes(server: Server) -> int:
    """Bytes of the first page of ``GET /v1/campaigns`` (a 50 MB name made it 50 MB)."""
    answer = httpx.get(f"{server.url}/v1/campaigns", headers=server.headers, timeout=300)
    answer.raise_for_status()
    return len(answer.content)


def idle_healthz(server: Server, calls: int = 100) -> dict[str, float]:
    samples = []
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for _ in range(calls):
            started = time.perf_counter()
            http.get("/healthz").raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    lat = latency(samples)
    return {"calls": lat.calls, "p50_ms": round(lat.p50_ms, 1), "p95_ms": round(lat.p95_ms, 1)}


# -- the run ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m bench hostile", description=__doc__)
    parser.add_argument("--size", type=int, default=300_000, help="outcome rows in the graph")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run to check the bench works (2,000 outcomes, bodies 1/100 the size)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON goes")
    a = parser.parse_args(argv)
    if a.size < 1 or a.workers < 1:
        parser.error("--size and --workers must be positive")
    s = Settings(size=a.size, workers=a.workers, scale=1.0, output=a.output)
    if a.quick:
        s.size, s.scale = 2_000, 0.01
    return s


def zip_limit(s: Settings) -> int:
    """The server's ``zip_bytes``: the default, or (--quick) one the smaller bomb crosses."""
    return DEFAULT_LIMITS.zip_bytes if s.scale == 1 else max(4096, int(256 * MIB * s.scale))


def server_env(s: Settings, brand: str) -> dict[str, str]:
    env = {"MARKETGRAPH_API_KEYS": f"{KEY}:admin,{VIEWER}:viewer@{brand}"}
    if zip_limit(s) != DEFAULT_LIMITS.zip_bytes:
        env["MARKETGRAPH_LIMITS__ZIP_BYTES"] = str(zip_limit(s))
    return env


def render(results: list[CaseResult], meta: dict[str, Any]) -> str:
    lines = [f"{k}: {v}" for k, v in meta.items()]
    lines.append("")
    header = (
        f"{'case':<21} {'status':>6} {'seconds':>8} {'response':>10} {'sent':>9} "
        f"{'RSS MB before -> peak':>22} {'/healthz p50/p95/max ms (n)':>30} {'load':>5}"
    )
    lines += [header, "-" * len(header)]
    for r in results:
        h = r.healthz
        health = (
            f"{h['p50_ms']:.1f} / {h['p95_ms']:.1f} / {h['max_ms']:.0f} ({h['calls']})"
            if h["calls"]
            else "(no call)"
        )
        lines.append(
            f"{r.case:<21} {r.status if r.status is not None else '-':>6} {r.seconds:>8.2f} "
            f"{_bytes(r.response_bytes):>10} {_bytes(r.sent_bytes):>9} "
            f"{f'{r.rss_before_mb:,.0f} -> {r.peak_rss_mb:,.0f}':>22} {health:>30} {r.load:>5.2f}"
        )
        lines.append(f"{'':<21} {r.what}")
        lines.append(f"{'':<21} before (issue 15): {r.before}")
        if r.detail:
            lines.append(f"{'':<21} {', '.join(f'{k}: {v}' for k, v in r.detail.items())}")
        if r.excerpt and r.status != 200:
            lines.append(f"{'':<21} answer: {r.excerpt[:160]}")
    return "\n".join(lines)


def _bytes(n: int) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n} B"


def main(argv: Sequence[str] | None = None) -> int:
    s = parse_args(argv)
    progress = Progress()
    mach = machine()
    started = time.perf_counter()
    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="marketgraph-hostile-") as root:
        data_dir = Path(root) / "data"
        graph = load_data_dir(data_dir, s.size, progress)
        server = Server(data_dir, workers=s.workers)
        server.env.update(server_env(s, graph["brand"]))
        progress.say(f"starting marketgraph serve --workers {s.workers}")
        ready = server.start()
        try:
            idle = idle_healthz(server)
            progress.say(f"/healthz idle: p50 {idle['p50_ms']} ms, p95 {idle['p95_ms']} ms")
            for request in cases(s, graph["brand"]):
                results.append(run_case(server, request, progress))
                if request.case == "name-50mb":
                    results[-1].detail["campaign_list_bytes_after"] = campaign_list_bytes(server)
            rss_end = server.rss_mb()
        finally:
            server.stop()
    meta = {
        "measured on": " / ".join(line.removeprefix("machine: ") for line in mach.describe()),
        "graph": f"{graph['outcomes']:,} outcomes, {graph['campaigns']} campaigns "
        f"(loaded in {graph['load_s']:.0f} s); busiest brand {graph['brand']}",
        "server": f"marketgraph serve --workers {s.workers}, ready in {ready:.1f} s, "
        f"RSS at the end {rss_end:,.0f} MB",
        "/healthz idle": f"p50 {idle['p50_ms']} ms, p95 {idle['p95_ms']} ms",
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(render(results, meta))
    s.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "settings": {k: str(v) for k, v in asdict(s).items()},
        "idle_healthz": idle,
        "cases": [asdict(r) for r in results],
    }
    s.output.write_text(json.dumps(payload, indent=2) + "\n")
    progress.say(f"figures written to {s.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
