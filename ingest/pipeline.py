"""Canonical records into the graph: validate all, check references, write in batches.

A batch (one call, one or more files of any kinds) is validated and reference-checked as
a whole before anything is written, so a bad record means nothing lands unless the
caller asked to skip bad records. Every node written gets a FROM edge to the IngestRun,
which READ its Source(s); re-ingesting identical content is recognised and changes nothing.

The steps: ``validation`` (records into tables, by column where a kind has a bulk path),
``scope`` (a key limited to brands), ``references``, then ``writing`` (batches of nodes
with their edges in bulk).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef, sha256_hex
from graph.schema import Label, RelType
from ingest.errors import RecordsRejectedError, Rejection, UnknownKindError
from ingest.readers import RawRow, SourceInfo
from ingest.records import KINDS, RECORD_TYPES, CanonicalRecord
from ingest.references import check_references
from ingest.scope import check_brands
from ingest.validation import Table, validate_parts
from ingest.validation import reason as _reason  # noqa: F401  (its name before the split)
from ingest.writing import write_tables

Progress = Callable[[str, int, int], None]  # (stage, done, total)
# Called with the nodes written once they are committed (e.g. to index their texts);
# returns how many of them are left waiting for a retry.
OnWritten = Callable[[Sequence[Node]], int]
DEFAULT_BATCH_SIZE = 5000


@dataclass
class Part:
    """One input of a batch: a record kind, where it came from, and its raw rows."""

    kind: str
    source: SourceInfo
    rows: Iterable[RawRow]


@dataclass
class IngestReport:
    """What an ingest did; ``rejected`` is empty unless bad records were skipped."""

    run_id: str
    accepted: int
    rejected: list[Rejection] = field(default_factory=list)
    already_ingested: bool = False
    rejects_file: Path | None = None
    index_pending: int = 0


@dataclass
class _Accepted:
    """One accepted record with its model (what the brand scope check reads)."""

    kind: str
    line: int
    source: str
    source_id: str
    record: CanonicalRecord


def run_id_for(parts: Sequence[Part], skip_bad: bool) -> str:
    """The same content ingested the same way always gets the same run id."""
    key = "|".join(sorted(f"{p.kind}:{p.source.sha256}" for p in parts)) + f"|skip={skip_bad}"
    return "run_" + sha256_hex(key.encode())[:24]


def ingest(
    store: GraphStore,
    parts: Sequence[Part],
    *,
    skip_bad: bool = False,
    rejects_dir: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    on_written: OnWritten | None = None,
    brands: Collection[str] | None = None,
) -> IngestReport:
    """Validate, check references and write ``parts`` as one ingest run.

    ``brands`` limits what may be written to those brands' records (a key limited to
    brands): any other record is rejected like a bad one.
    """
    for part in parts:
        if part.kind not in RECORD_TYPES:
            raise UnknownKindError(part.kind, KINDS)
    run_id = run_id_for(parts, skip_bad)
    previous = store.get_node(NodeRef(label=Label.INGEST_RUN, id=run_id))
    if previous is not None and previous.properties.get("status") == "completed":
        count = int(previous.properties.get("accepted", 0))
        return IngestReport(run_id=run_id, accepted=count, already_ingested=True)

    with _collector_paused():
        tables, rejected = validate_parts([(p.kind, p.source, p.rows) for p in parts], progress)
        if brands is not None:
            rejected += _check_brands(store, tables, brands)
        rejected += check_references(store, tables)
        accepted = sum(len(t) for t in tables)
        if rejected and not skip_bad:
            raise RecordsRejectedError(sorted(rejected, key=_order), accepted)
        rejected.sort(key=_order)
        written = _write_run(
            store, parts, tables, run_id, skip_bad, len(rejected), batch_size, progress
        )

    report = IngestReport(run_id=run_id, accepted=accepted, rejected=rejected)
    if on_written is not None:
        report.index_pending = on_written(written)
    if rejected and rejects_dir is not None:
        report.rejects_file = _write_rejects(rejects_dir, run_id, rejected)
    return report


def _write_run(
    store: GraphStore,
    parts: Sequence[Part],
    tables: list[Table],
    run_id: str,
    skip_bad: bool,
    rejected: int,
    batch_size: int,
    progress: Progress | None,
) -> list[Node]:
    """The run node (running, then completed or failed) around the records' batches."""
    accepted = sum(len(t) for t in tables)
    started = datetime.now(UTC).isoformat()
    run = _run_node(run_id, parts, skip_bad, started, "running", accepted, rejected)
    sources = [_source_node(p.source) for p in parts]
    reads = [Edge(src=run.ref, type=RelType.READ, dst=s.ref) for s in sources]
    store.write(GraphBatch(nodes=[run, *sources], edges=reads))
    try:
        written = write_tables(store, tables, run.ref, batch_size, progress)
    except Exception:
        # Whole batches that landed stay (each is idempotent); the run says it did not
        # finish, and ingesting the same content again completes it.
        failed = _run_node(run_id, parts, skip_bad, started, "failed", accepted, rejected)
        store.write(GraphBatch(nodes=[failed]))
        raise
    done = _run_node(run_id, parts, skip_bad, started, "completed", accepted, rejected)
    done.properties["finished_at"] = datetime.now(UTC).isoformat()
    store.write(GraphBatch(nodes=[done]))
    return written


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is validated and written.

    A batch is hundreds of thousands of fresh dicts and lists kept until the end; every
    full collection walks all of them again, which took half of an ingest's time. What
    the pipeline makes is freed by reference counting; the collector runs again after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _order(r: Rejection) -> tuple[str, int]:
    return (r.source, r.line)


def _check_brands(
    store: GraphStore, tables: list[Table], brands: Collection[str]
) -> list[Rejection]:
    """Records outside ``brands`` (a key limited to brands) are rejected like bad ones.

    The scope check reads each record's model: a limited key's ingest goes at the pace of
    a record at a time.
    """
    accepted = [
        _Accepted(t.kind, line, t.source, t.source_id, t.record(row))
        for t in tables
        for row, line in enumerate(t.lines)
    ]
    rejected = check_brands(store, accepted, brands)
    if rejected:
        gone = {(r.source, r.line) for r in rejected}
        for i, t in enumerate(tables):
            tables[i] = t.keep(
                row for row, line in enumerate(t.lines) if (t.source, line) not in gone
            )
    return rejected


def _run_node(
    run_id: str,
    parts: Sequence[Part],
    skip_bad: bool,
    started: str,
    status: str,
    accepted: int,
    rejected: int,
) -> Node:
    props = {
        "id": run_id,
        "kinds": sorted({p.kind for p in parts}),
        "sources": [p.source.name for p in parts],
        "skip_bad": skip_bad,
        "status": status,
        "started_at": started,
        "accepted": accepted,
        "rejected": rejected,
    }
    return Node(label=Label.INGEST_RUN, id=run_id, properties=props)


def _source_node(source: SourceInfo) -> Node:
    props = {
        "id": source.node_id,
        "name": source.name,
        "sha256": source.sha256,
        "bytes": source.size,
    }
    return Node(label=Label.SOURCE, id=source.node_id, properties=props)


def _write_rejects(directory: Path, run_id: str, rejected: Sequence[Rejection]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{run_id}.rejects.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for r in rejected:
            row = {
                "source": r.source,
                "kind": r.kind,
                "line": r.line,
                "reason": r.reason,
                "record": r.record,
            }
            out.write(json.dumps(row) + "\n")
    return path
