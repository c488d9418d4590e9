"""``python -m bench execution``: the execution adapters' costs on each graph backend.

The sandbox part runs the mechanics of the closed loop the orchestrator drives: for each
of ``--cycles`` cycles, a ``set_budget`` on every line of a demo brand's market (about 50),
then ``--days`` days simulated and ingested with their RESULT_OF edges. It reports the
apply latency, the cost of re-applying keys already applied (the restart path), the
simulation rate and the simulate-and-ingest rate. The outbox part queues ``--deliveries``
webhook actions and delivers them to a local receiver with one worker, then two at once
(each on its own store), and counts requests per key (more than one would be a bug).
No learning is measured here: the planner's benchmark is the lead's closed loop.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from agents.channels import Action, Target
from agents.channels.outbox import (
    ChannelHook,
    OutboxWorker,
    WebhookAdapter,
    WebhookConfig,
    list_entries,
)
from bench.backends import Backend, Neo4jBackend, each_backend
from bench.common import Progress, percentile
from demo import generate
from demo.sandbox import SandboxAdapter, SandboxMarket, simulate_and_ingest
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.models import NodeRef
from graph.neo4j import Neo4jGraphStore
from graph.schema import Label
from ingest import Part, ingest
from ingest.readers import describe

RESULTS_DIR = Path(__file__).resolve().parent / "results"
START = date(2026, 12, 1)


@dataclass
class Result:
    backend: str
    lines: int
    cycles: int
    days: int
    apply_p50_ms: float = 0.0
    apply_p95_ms: float = 0.0
    replay_p50_ms: float = 0.0
    read_p50_ms: float = 0.0  # one get_node: the unit of the latencies above
    simulate_rows_per_s: float = 0.0
    ingest_rows_per_s: float = 0.0
    loop_seconds: float = 0.0
    rows: int = 0
    queue_per_s: float = 0.0
    deliver_one_worker_per_s: float = 0.0
    deliver_two_workers_per_s: float = 0.0
    duplicate_requests: int = 0
    notes: list[str] = field(default_factory=list)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench execution", description=__doc__)
    parser.add_argument("--cycles", type=int, default=8, help="loop cycles (default 8)")
    parser.add_argument("--days", type=int, default=28, help="days simulated per cycle")
    parser.add_argument("--deliveries", type=int, default=200, help="webhook actions queued")
    parser.add_argument("--backends", default="embedded,neo4j", help="embedded, neo4j or both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="2 cycles of 7 days, 20 deliveries")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "execution.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.cycles, args.days, args.deliveries = 2, 7, 20
    return args


def load_catalogue(store: GraphStore, seed: int) -> None:
    """The demo's brands, channels, audiences and assets (no history: not needed here)."""
    data = generate(seed=seed)
    assets = [{**a, "campaign_ids": []} for a in data.assets]
    parts = []
    for kind, records in (
        ("brands", data.brands),
        ("channels", data.channels),
        ("audiences", data.audiences),
        ("assets", assets),
    ):
        body = b"".join(json.dumps(r, sort_keys=True).encode() + b"\n" for r in records)
        parts.append(Part(kind, describe(f"bench:{kind}.jsonl", body), enumerate(records, 1)))
    ingest(store, parts)


def run_sandbox(store: GraphStore, args: argparse.Namespace, result: Result, p: Progress) -> None:
    market = SandboxMarket.from_demo(store, seed=args.seed, brand_id="brand-trailhead")
    adapter = SandboxAdapter(market)
    pairs = sorted(market.truth.pairs)
    result.lines = len(pairs)
    applies: list[float] = []
    first: list[Action] = []
    simulated = ingested = 0.0
    started = time.perf_counter()
    day = START
    for cycle in range(args.cycles):
        for i, (channel, audience) in enumerate(pairs):
            half = market.truth.pairs[(channel, audience)].half_saturation
            amount = half * (0.5 + (i + cycle) % 4 / 2)
            action = _budget(f"bench/{cycle}/{channel}/{audience}", channel, audience, amount)
            t = time.perf_counter()
            adapter.apply(action)
            applies.append(time.perf_counter() - t)
            if cycle == 0:
                first.append(action)
        t = time.perf_counter()
        rows = market.simulate(day, args.days)
        simulated += time.perf_counter() - t
        t = time.perf_counter()
        run = simulate_and_ingest(market, day, args.days)
        ingested += time.perf_counter() - t
        result.rows += run.rows
        day += timedelta(days=args.days)
        p.say(f"{result.backend}: cycle {cycle + 1}/{args.cycles}: {len(rows):,} rows")
    result.loop_seconds = time.perf_counter() - started - simulated
    replays = []
    for action in first:  # a restarted run re-applies cycle 0: nothing happens
        t = time.perf_counter()
        assert adapter.apply(action).duplicate
        replays.append(time.perf_counter() - t)
    reads = []
    for action in first:
        t = time.perf_counter()
        store.get_node(NodeRef(label=Label.EXECUTION, id=f"absent-{action.idempotency_key}"))
        reads.append(time.perf_counter() - t)
    result.read_p50_ms = 1000 * percentile(sorted(reads), 50)
    applies.sort()
    replays.sort()
    result.apply_p50_ms = 1000 * percentile(applies, 50)
    result.apply_p95_ms = 1000 * percentile(applies, 95)
    result.replay_p50_ms = 1000 * percentile(replays, 50)
    result.simulate_rows_per_s = result.rows / simulated if simulated else 0.0
    result.ingest_rows_per_s = result.rows / ingested if ingested else 0.0


def _budget(key: str, channel: str, audience: str, amount: float) -> Action:
    return Action(
        kind="set_budget",
        target=Target(channel_id=channel, audience_id=audience),
        params={"daily_budget": round(amount, 2)},
        idempotency_key=key,
    )


@contextmanager
def _receiver() -> Iterator[tuple[str, Counter[str]]]:
    """A local webhook receiver answering 200 and counting requests per key."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                seen[self.headers.get("Idempotency-Key", "")] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    finally:
        server.shutdown()
        server.server_close()


def run_outbox(
    backend: Backend, store: GraphStore, args: argparse.Namespace, result: Result
) -> None:
    with _receiver() as (url, seen):
        config = WebhookConfig(channels={"*": ChannelHook(url=url, secret="bench")})
        adapter = WebhookAdapter(store, config)
        lines = sorted(SandboxMarket.from_demo(store, seed=args.seed).truth.pairs)
        t = time.perf_counter()
        for i in range(2 * args.deliveries):
            channel, audience = lines[i % len(lines)]
            adapter.apply(_budget(f"bench-hook/{i}", channel, audience, 10.0 + i))
        result.queue_per_s = 2 * args.deliveries / (time.perf_counter() - t)
        # One worker, on half the entries (a pass takes at most ``limit`` of them).
        worker = OutboxWorker(store, config)
        t = time.perf_counter()
        worker.deliver_pending(limit=args.deliveries)
        result.deliver_one_worker_per_s = args.deliveries / (time.perf_counter() - t)
        worker.close()
        # Two workers at once, each on its own store, on the other half.
        stores = [_reopen(backend, store) for _ in range(2)]
        workers = [OutboxWorker(s, config, worker_id=f"w{i}") for i, s in enumerate(stores)]
        errors: list[str] = []
        threads = [
            threading.Thread(target=_drain, args=(w, errors), name=w.worker_id) for w in workers
        ]
        t = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.deliver_two_workers_per_s = args.deliveries / (time.perf_counter() - t)
        for w, s in zip(workers, stores, strict=True):
            w.close()
            s.close()
        result.notes.extend(errors)
        result.duplicate_requests = sum(n - 1 for n in seen.values())
        left = len(list_entries(store))
        if left:
            result.notes.append(f"{left} entries left undelivered")


def _drain(worker: OutboxWorker, errors: list[str]) -> None:
    try:
        while list_entries(worker.store):
            worker.deliver_pending()
    except Exception as e:  # reported in the results, not lost in a thread
        errors.append(f"worker {worker.worker_id} failed: {type(e).__name__}: {e}")


def _reopen(backend: Backend, store: GraphStore) -> GraphStore:
    """Another instance of the same store, as a second process would open it."""
    if isinstance(store, EmbeddedGraphStore):
        return EmbeddedGraphStore(store.path)
    assert isinstance(backend, Neo4jBackend)
    return Neo4jGraphStore(backend.uri, backend.user, backend.password, backend.database)


def render(results: Sequence[Result]) -> str:
    rows: list[tuple[str, Callable[[Result], str]]] = [
        ("lines × cycles × days", lambda r: f"{r.lines} × {r.cycles} × {r.days}"),
        ("set_budget apply p50 / p95", lambda r: f"{r.apply_p50_ms:.1f} / {r.apply_p95_ms:.1f} ms"),
        ("re-apply of a known key p50", lambda r: f"{r.replay_p50_ms:.1f} ms"),
        ("one graph read (get_node) p50", lambda r: f"{r.read_p50_ms:.1f} ms"),
        ("simulate, rows/s", lambda r: f"{r.simulate_rows_per_s:,.0f}"),
        ("simulate + ingest + RESULT_OF, rows/s", lambda r: f"{r.ingest_rows_per_s:,.0f}"),
        ("whole loop (applies + ingests), s", lambda r: f"{r.loop_seconds:.1f} ({r.rows:,} rows)"),
        ("webhook actions queued/s", lambda r: f"{r.queue_per_s:,.0f}"),
        ("deliveries/s, one worker", lambda r: f"{r.deliver_one_worker_per_s:,.0f}"),
        ("deliveries/s, two workers at once", lambda r: f"{r.deliver_two_workers_per_s:,.0f}"),
        ("duplicate requests", lambda r: str(r.duplicate_requests)),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [" " * width + "  " + "  ".join(f"{r.backend:>22}" for r in results)]
    for name, cell in rows:
        lines.append(f"{name:<{width}}  " + "  ".join(f"{cell(r):>22}" for r in results))
    for r in results:
        lines.extend(f"{r.backend}: {note}" for note in r.notes)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress()
    results = []
    for name, backend in each_backend(args.backends, progress, RESULTS_DIR / "neo4j"):
        result = Result(backend=name, lines=0, cycles=args.cycles, days=args.days)
        store = backend.fresh_store(progress)
        load_catalogue(store, args.seed)
        run_sandbox(store, args, result, progress)
        progress.say(f"{name}: outbox")
        run_outbox(backend, store, args, result)
        results.append(result)
    print(render(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    progress.say(f"figures written to {args.output}")
    return 0
