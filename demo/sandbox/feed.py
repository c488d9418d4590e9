"""Simulated outcomes into the graph through the normal ingest pipeline, linked to executions.

``simulate_and_ingest`` simulates some days, ingests the rows (and the market's default
campaign, when lines use it) as one ingest run whose Source names the sandbox run, then
writes ``(Outcome)-[:RESULT_OF]->(Execution)`` from each row to the executions that set
its line's budget and its asset or experiment. The edges are written even when the rows
had been ingested already (same content, same run), so a crash between the two steps is
completed by running the same days again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from demo.sandbox.market import Record, SandboxMarket, SimulatedRow
from graph.models import Edge, GraphBatch, NodeRef
from graph.schema import Label, RelType
from ingest.pipeline import IngestReport, OnWritten, Part, ingest
from ingest.readers import SourceInfo
from ingest.records import OutcomeRecord

EDGE_BATCH = 5000


@dataclass
class SandboxRun:
    """What one simulate-and-ingest did."""

    report: IngestReport
    rows: int
    result_edges: int
    start: date
    end: date


def simulate_and_ingest(
    market: SandboxMarket,
    start_date: date,
    days: int,
    *,
    rejects_dir: Path | None = None,
    on_written: OnWritten | None = None,
) -> SandboxRun:
    """Simulate ``days`` days from ``start_date``, ingest them and link them to executions."""
    rows = market.simulate_rows(start_date, days)
    end = start_date + timedelta(days=max(days - 1, 0))
    stem = f"sandbox:{market.market_id}/{start_date.isoformat()}..{end.isoformat()}"
    records = [r.record for r in rows]
    parts = []
    if any(r["campaign_id"] == market.default_campaign_id for r in records):
        parts.append(_part("campaigns", f"{stem}/campaigns.jsonl", [market.campaign_record()]))
    parts.append(_part("outcomes", f"{stem}/outcomes.jsonl", records))
    report = ingest(market.store, parts, rejects_dir=rejects_dir, on_written=on_written)
    edges = _link(market, rows)
    return SandboxRun(report=report, rows=len(rows), result_edges=edges, start=start_date, end=end)


def _part(kind: str, name: str, records: Sequence[Record]) -> Part:
    lines = [json.dumps(r, sort_keys=True).encode() + b"\n" for r in records]
    digest = hashlib.sha256(b"".join(lines)).hexdigest()
    info = SourceInfo(name=name, sha256=digest, size=sum(len(x) for x in lines))
    return Part(kind=kind, source=info, rows=enumerate((dict(r) for r in records), start=1))


def _link(market: SandboxMarket, rows: Sequence[SimulatedRow]) -> int:
    """RESULT_OF edges from each outcome to its executions, in batches."""
    edges = [
        Edge(
            src=NodeRef(label=Label.OUTCOME, id=OutcomeRecord.model_validate(r.record).node_id()),
            type=RelType.RESULT_OF,
            dst=NodeRef(label=Label.EXECUTION, id=exe),
        )
        for r in rows
        for exe in dict.fromkeys(r.executions)
    ]
    for start in range(0, len(edges), EDGE_BATCH):
        market.store.write(GraphBatch(edges=edges[start : start + EDGE_BATCH]))
    return len(edges)
