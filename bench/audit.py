"""``python -m bench audit``: what the audit chain costs on each graph backend.

Writes ``--decisions`` decisions one batch each (a Decision with MADE_BY and three
BASED_ON edges, as the agents record them) and reports decisions written per second with
the chain, next to the same batches with the node relabelled ``Alert`` (a label the chain
does not seal: same nodes, edges and properties, no head to lock or hash to compute), so
the difference is the chain's cost. Then it times ``verify_chain`` at each of ``--sizes``
records (writing more decisions up to each size) and checks that it found nothing wrong.
Neo4j: ``MARKETGRAPH_NEO4J_URI``, else a server started through ``tests/neo4j_server.py``
when Java is present, else skipped.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.backends import Backend, each_backend
from bench.common import Progress
from graph.audit import verify_chain
from graph.base import GraphStore
from graph.decisions import decision_batch
from graph.models import DecisionRecord, Edge, Evidence, GraphBatch, Node, NodeRef
from graph.schema import Label

RESULTS_DIR = Path(__file__).resolve().parent / "results"
EVIDENCE = [NodeRef(label=Label.CAMPAIGN, id=f"cmp-{i}") for i in range(3)]


@dataclass
class Result:
    backend: str
    decisions: int
    chained_per_s: float = 0.0
    unchained_per_s: float = 0.0
    overhead_pct: float = 0.0
    verify: dict[int, float] = field(default_factory=dict)  # records -> seconds
    notes: list[str] = field(default_factory=list)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench audit", description=__doc__)
    parser.add_argument("--decisions", type=int, default=2000, help="decisions timed per mode")
    parser.add_argument(
        "--sizes",
        default="10000",
        help="more records at which verify is timed (comma-separated; it is timed after the "
        "rate measurement too)",
    )
    parser.add_argument("--backends", default="embedded,neo4j", help="embedded, neo4j or both")
    parser.add_argument("--quick", action="store_true", help="100 decisions, verify at 200")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "audit.json")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s) for s in str(args.sizes).split(",") if s.strip()})
    if args.quick:
        args.decisions, args.sizes = 100, [200]
    if args.decisions < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--decisions and --sizes must be positive")
    return args


def _record(i: int) -> DecisionRecord:
    return DecisionRecord(
        id=f"dec-bench-{i:07d}",
        kind="budget_shift",
        agent="planner",
        rationale=f"Shift budget towards the best marginal return (bench decision {i}).",
        algorithm="hill-allocator",
        algorithm_version="1.0",
        confidence=0.8,
        inputs={"i": i, "budget": 10_000 + i},
        evidence=[Evidence(ref=r, score=0.5 + k / 10) for k, r in enumerate(EVIDENCE)],
    )


def _unchained(batch: GraphBatch) -> GraphBatch:
    """The same batch with the Decision relabelled Alert: nothing for the chain to seal."""
    head = batch.nodes[0]
    alert = Node(label=Label.ALERT, id=head.id, properties=dict(head.properties))
    edges = [
        Edge(src=alert.ref, type=e.type, dst=e.dst, properties=e.properties) for e in batch.edges
    ]
    return GraphBatch(nodes=[alert, *batch.nodes[1:]], edges=edges)


def _rates(
    store: GraphStore, batches: Sequence[GraphBatch], block: int = 100
) -> tuple[float, float]:
    """Writes per second with the chain and without, blocks of each in turn (so neither
    runs on a bigger graph than the other)."""
    spent = [0.0, 0.0]
    for start in range(0, len(batches), block):
        chunk = batches[start : start + block]
        for mode, todo in enumerate((chunk, [_unchained(b) for b in chunk])):
            started = time.perf_counter()
            for batch in todo:
                store.write(batch)
            spent[mode] += time.perf_counter() - started
    return len(batches) / spent[0], len(batches) / spent[1]


def run(backend: Backend, args: argparse.Namespace, progress: Progress) -> Result:
    result = Result(backend=backend.name, decisions=args.decisions)
    store = backend.fresh_store(progress)
    store.write(
        GraphBatch(nodes=[Node(label=r.label, id=r.id, properties={"id": r.id}) for r in EVIDENCE])
    )
    batches = [decision_batch(_record(i)) for i in range(args.decisions)]
    progress.say(f"{backend.name}: {args.decisions:,} decisions with the chain, then without")
    result.chained_per_s, result.unchained_per_s = _rates(store, batches)
    result.overhead_pct = 100 * (result.unchained_per_s / result.chained_per_s - 1)
    written = args.decisions
    for size in sorted({written, *(s for s in args.sizes if s > written)}):
        if size > written:
            progress.say(f"{backend.name}: writing decisions up to {size:,}")
            for i in range(written, size):
                store.write(decision_batch(_record(i)))
            written = size
        started = time.perf_counter()
        report = verify_chain(store)
        result.verify[report.records] = time.perf_counter() - started
        progress.say(
            f"{backend.name}: verified {report.records:,} records in {report.seconds:.2f}s"
        )
        if not report.intact:
            result.notes.append(f"verify found {len(report.findings)} problems: a bug")
    backend.close_store()
    return result


def render(results: Sequence[Result]) -> str:
    lines = []
    for r in results:
        lines.append(
            f"{r.backend}: {r.decisions:,} decisions, one batch each: "
            f"{r.chained_per_s:,.0f}/s with the chain, {r.unchained_per_s:,.0f}/s for the same "
            f"batches unsealed ({r.overhead_pct:+.0f} % time per write)"
        )
        for records, seconds in sorted(r.verify.items()):
            lines.append(
                f"{r.backend}: verify {records:,} records in {seconds:.2f} s "
                f"({records / seconds:,.0f} records/s)"
            )
        lines.extend(f"{r.backend}: {note}" for note in r.notes)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress()
    results = []
    for _, backend in each_backend(args.backends, progress, RESULTS_DIR / "neo4j"):
        results.append(run(backend, args, progress))
    print(render(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    progress.say(f"figures written to {args.output}")
    return 0
