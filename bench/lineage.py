"""``python -m bench lineage``: lineage latency and budgeted walks on a graph of N outcomes.

For each backend: load the demo dimensions and ``--size`` outcome rows through the ingest
pipeline (as ``python -m bench`` does), then time

* ``get_lineage(outcome, "up", depth=3)`` on ``--calls`` random outcomes (p50 / p95);
* the walk that stalled a server in issue 15: from the busiest brand, ``down``, depth 10,
  limit 5000 (its time, nodes, edges and why it stopped), ``--walks`` times.

``--reuse`` keeps a Neo4j graph that already holds exactly that many outcomes (point
``MARKETGRAPH_NEO4J_URI`` at it): loading a million rows takes a while.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, LiteralString

import neo4j

from bench import data as bench_data
from bench.backends import Backend, EmbeddedBackend, Neo4jBackend, open_neo4j
from bench.common import BATCH_ROWS, Progress, latency
from bench.ingestion import load_dimensions, outcome_batches
from bench.queries import LINEAGE_DEPTH, LOAD_CHUNK, load_graph
from graph.base import GraphStore
from graph.models import NodeRef, Subgraph
from graph.schema import Label

RESULTS = Path(__file__).resolve().parent / "results" / "lineage-latest.json"
WALK_LIMIT = 5000


def _store(
    backend: Backend, data: bench_data.BenchData, reuse: bool, fast: bool, progress: Progress
) -> GraphStore:
    if reuse and isinstance(backend, Neo4jBackend):
        from graph.neo4j import Neo4jGraphStore
        from migrations import apply_pending

        store = Neo4jGraphStore(backend.uri, backend.user, backend.password, backend.database)
        apply_pending(store)
        if store.count(Label.OUTCOME) == data.rows:
            progress.say(f"neo4j: reusing the graph of {data.rows:,} outcomes")
            backend.store = store
            return store
        store.close()
    if fast and isinstance(backend, Neo4jBackend):
        return _fast_load(backend, data, progress)
    return load_graph(backend, data, progress)[0]


# The pipeline's graph (outcome, OF edges, FROM its ingest run, the run READ a source) in
# plain UNWIND statements: a million rows through the pipeline take over an hour here.
_RUN: LiteralString = (
    "MERGE (s:Source {id: $source}) SET s.name = $source "
    "MERGE (r:IngestRun {id: $run}) SET r.status = 'completed', r.kind = 'outcomes' "
    "MERGE (r)-[:READ]->(s)"
)
_OUTCOMES: LiteralString = (
    "MATCH (r:IngestRun {id: $run}) UNWIND $rows AS row CREATE (o:Outcome) SET o = row.props "
    "CREATE (o)-[:FROM]->(r) "
    "WITH o, row CALL (o, row) { "
    "  MATCH (c:Campaign {id: row.props.campaign_id}) CREATE (o)-[:OF]->(c) } "
    "WITH o, row CALL (o, row) { "
    "  MATCH (c:Channel {id: row.props.channel_id}) CREATE (o)-[:OF]->(c) } "
    "WITH o, row CALL (o, row) { "
    "  MATCH (c:Audience {id: row.props.audience_id}) CREATE (o)-[:OF]->(c) } "
    "WITH o, row CALL (o, row) { "
    "  MATCH (c:Asset {id: row.props.asset_id}) CREATE (o)-[:OF]->(c) }"
)


def _write_outcomes(tx: neo4j.ManagedTransaction, rows: list[dict[str, Any]], run: str) -> None:
    tx.run(_OUTCOMES, rows=rows, run=run).consume()


def _fast_load(backend: Neo4jBackend, data: bench_data.BenchData, progress: Progress) -> GraphStore:
    store = backend.fresh_store(progress)
    load_dimensions(store, data, progress, "neo4j")
    done = 0
    with backend.driver.session(database=backend.database) as session:
        for number, batch in enumerate(outcome_batches(data)):
            run = f"run-bench-{number * BATCH_ROWS // LOAD_CHUNK:03d}"
            session.run(_RUN, run=run, source=f"bench:{run}.jsonl").consume()
            rows = [{"props": n.properties} for n in batch.nodes]
            session.execute_write(_write_outcomes, rows, run)
            done += len(rows)
            progress.tick("neo4j: loading outcomes (UNWIND)", done, data.rows)
    return store


def _busiest_brand(data: bench_data.BenchData) -> str:
    """The brand running the most campaigns."""
    runs: dict[str, int] = {}
    for campaign in data.dataset.records("campaigns"):
        brand = str(campaign["brand_id"])
        runs[brand] = runs.get(brand, 0) + 1
    return max((n, b) for b, n in runs.items())[1]


def run(
    backend: Backend,
    size: int,
    calls: int,
    walks: int,
    reuse: bool,
    fast: bool,
    progress: Progress,
) -> dict[str, Any]:
    data = bench_data.build(7, size)
    store = _store(backend, data, reuse, fast, progress)
    who = f"{backend.name} @ {data.rows:,}"
    outcome_ids = data.sample_outcome_ids(calls + 10, 8)
    samples, sizes = [], []
    for n, outcome_id in enumerate(outcome_ids):
        started = time.perf_counter()
        sub = store.get_lineage(NodeRef(Label.OUTCOME, outcome_id), "up", LINEAGE_DEPTH)
        if n >= 10:  # the first ten warm up
            samples.append((time.perf_counter() - started) * 1000)
            sizes.append(len(sub.nodes))
    up = latency(samples)
    progress.say(f"{who}: lineage up depth 3: p50 {up.p50_ms:.1f} ms, p95 {up.p95_ms:.1f} ms")
    brand = NodeRef(Label.BRAND, _busiest_brand(data))
    walk_ms, last = [], None
    for _ in range(walks):
        started = time.perf_counter()
        last = store.get_lineage(brand, "down", 10, WALK_LIMIT)
        walk_ms.append((time.perf_counter() - started) * 1000)
    assert last is not None
    down = latency(walk_ms)
    progress.say(
        f"{who}: {brand} down depth 10 limit {WALK_LIMIT}: p50 {down.p50_ms:.0f} ms, "
        f"{len(last.nodes):,} nodes, {len(last.edges):,} edges, "
        f"truncated: {_reason(last)}"
    )
    backend.close_store()
    return {
        "outcomes": data.rows,
        "lineage_up_depth3": up.__dict__,
        "lineage_up_nodes_mean": sum(sizes) / len(sizes),
        "walk": {
            "root": str(brand),
            "latency": down.__dict__,
            "nodes": len(last.nodes),
            "edges": len(last.edges),
            "truncated_reason": _reason(last),
        },
    }


def _reason(sub: Subgraph) -> str:
    # (getattr: the same file measures a tree from before walks had a budget)
    reason = getattr(sub, "truncated_reason", None)
    return str(reason) if reason else ("yes" if sub.truncated else "no")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lineage", description=__doc__)
    parser.add_argument("--backends", default="embedded,neo4j")
    parser.add_argument("--size", type=int, default=1_000_000, help="outcome rows")
    parser.add_argument("--calls", type=int, default=200, help="lineage-up calls timed")
    parser.add_argument("--walks", type=int, default=5, help="big walks timed")
    parser.add_argument("--reuse", action="store_true", help="keep a Neo4j graph of that size")
    parser.add_argument(
        "--fast-load", action="store_true", help="Neo4j: outcomes by plain UNWIND, not the pipeline"
    )
    args = parser.parse_args(argv)
    progress = Progress()
    results: dict[str, Any] = {}
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        opened = (
            EmbeddedBackend()
            if name == "embedded"
            else open_neo4j(progress, RESULTS.parent / "neo4j")
        )
        if isinstance(opened, str):
            progress.say(f"neo4j skipped: {opened}")
            continue
        with opened as backend:
            results[name] = run(
                backend, args.size, args.calls, args.walks, args.reuse, args.fast_load, progress
            )
    for name, mine in results.items():
        up, walk = mine["lineage_up_depth3"], mine["walk"]
        print(f"\n{name} @ {mine['outcomes']:,} outcomes")
        print(f"  lineage up, depth 3     p50 {up['p50_ms']:8.1f} ms   p95 {up['p95_ms']:8.1f} ms")
        print(
            f"  {walk['root']} down, depth 10, limit {WALK_LIMIT}: p50 "
            f"{walk['latency']['p50_ms']:,.0f} ms, {walk['nodes']:,} nodes, "
            f"truncated: {walk['truncated_reason']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
