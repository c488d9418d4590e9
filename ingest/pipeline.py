"""Canonical records into the graph: validate all, check references, write in batches.

A batch (one call, one or more files of any kinds) is validated and reference-checked as
a whole before anything is written, so a bad record means nothing lands unless the
caller asked to skip bad records. Every node written gets a FROM edge to the IngestRun,
which READ its Source(s); re-ingesting identical content with the same scope (unlimited,
or the same brand-limited key) is recognised and changes nothing. Rejections are kept up
to a limit and counted beyond it (:mod:`ingest.limits`); a batch with no record at all
writes nothing.

The steps: ``validation`` (records into tables, by column where a kind has a bulk path,
within the record limits), ``checks`` (an id once per batch), ``scope`` (a key limited
to brands: what records are and what they touch), ``references``, then ``writing``
(batches of nodes with their edges in bulk), on a run that records who sent it and
which process wrote it (``runs``: a run a dead process left is marked interrupted).
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef, clean_properties, sha256_hex
from graph.schema import Label, RelType
from ingest.checks import reject_duplicates
from ingest.errors import EmptyInputError, RecordsRejectedError, Rejection, UnknownKindError
from ingest.limits import DEFAULT_LIMITS, Limits
from ingest.readers import RawRow, SourceInfo
from ingest.records import KINDS, RECORD_TYPES, CanonicalRecord
from ingest.references import check_references
from ingest.runs import process_props, tracking
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
    """What an ingest did; ``rejected`` is empty unless bad records were skipped.

    ``rejected`` holds the first rejections (up to the ``rejections_kept`` limit);
    ``rejected_count`` counts them all.
    """

    run_id: str
    accepted: int
    rejected: list[Rejection] = field(default_factory=list)
    already_ingested: bool = False
    rejects_file: Path | None = None
    index_pending: int = 0
    rejected_count: int = 0


@dataclass
class _Accepted:
    """One accepted record with its model (what the brand scope check reads)."""

    kind: str
    line: int
    source: str
    source_id: str
    record: CanonicalRecord


def run_id_for(
    parts: Sequence[Part],
    skip_bad: bool,
    actor: str | None = None,
    brands: Collection[str] | None = None,
) -> str:
    """The same content ingested the same way with the same scope always gets the same
    run id, and a batch of another scope never passes for it.

    A key limited to brands is part of the id (``actor``, with its brands): what it may
    write depends on them. Unlimited senders (any admin or analyst key, the CLI) write the
    same records from the same content, so their batches share one run id whichever
    entry point sent them; the run still records who sent it first (``by``).
    """
    key = "|".join(sorted(f"{p.kind}:{p.source.sha256}" for p in parts)) + f"|skip={skip_bad}"
    if brands is not None:
        key += f"|by={actor or '-'}|brands={';'.join(sorted(brands))}"
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
    actor: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> IngestReport:
    """Validate, check references and write ``parts`` as one ingest run.

    ``brands`` limits what may be written to what those brands may create, change and use
    (a key limited to brands, :mod:`ingest.scope`): any other record is rejected like a
    bad one. ``actor`` (a key id) is who sends it, recorded on the run; with ``brands`` both
    are part of the run id (:func:`run_id_for`).
    """
    for part in parts:
        if part.kind not in RECORD_TYPES:
            raise UnknownKindError(part.kind, KINDS)
    run_id = run_id_for(parts, skip_bad, actor, brands)
    previous = store.get_node(NodeRef(label=Label.INGEST_RUN, id=run_id))
    if previous is not None and previous.properties.get("status") == "completed":
        count = int(previous.properties.get("accepted", 0))
        return IngestReport(run_id=run_id, accepted=count, already_ingested=True)

    keep = limits.rejections_kept
    with _collector_paused():
        tables, rejected, more = validate_parts(
            [(p.kind, p.source, p.rows) for p in parts], progress, keep=keep, stop=not skip_bad
        )
        accepted = sum(len(t) for t in tables)
        if more < 0:  # reading stopped at the kept rejections: nothing will be written
            raise RecordsRejectedError(
                sorted(rejected, key=_order), accepted, total=len(rejected), stopped=True
            )
        if not accepted and not rejected and not more:
            names = ", ".join(p.source.name for p in parts)
            raise EmptyInputError(f"{names or 'the input'}: no records in it; nothing was written")
        rejected += reject_duplicates(tables)
        if brands is not None:
            rejected += _check_brands(store, tables, brands)
        rejected += check_references(store, tables)
        accepted = sum(len(t) for t in tables)
        rejected.sort(key=_order)
        total = len(rejected) + more
        rejected = rejected[:keep]
        if total and not skip_bad:
            raise RecordsRejectedError(rejected, accepted, total=total)
        meta = {**process_props(), "by": actor, "brands": sorted(brands) if brands else None}
        run = _Run(run_id, parts, skip_bad, accepted, total, clean_properties(meta))
        written = _write_run(store, run, tables, batch_size, progress)

    report = IngestReport(run_id=run_id, accepted=accepted, rejected=rejected, rejected_count=total)
    if on_written is not None:
        report.index_pending = on_written(written)
    if rejected and rejects_dir is not None:
        report.rejects_file = _write_rejects(rejects_dir, run_id, rejected, total)
    return report


@dataclass
class _Run:
    """The IngestRun node's facts, written as ``running`` and then as it ends."""

    id: str
    parts: Sequence[Part]
    skip_bad: bool
    accepted: int
    rejected: int
    meta: dict[str, Any]
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def ref(self) -> NodeRef:
        return NodeRef(Label.INGEST_RUN, self.id)

    def node(self, status: str) -> Node:
        props = {
            "id": self.id,
            "kinds": sorted({p.kind for p in self.parts}),
            "sources": [p.source.name for p in self.parts],
            "skip_bad": self.skip_bad,
            "status": status,
            "started_at": self.started,
            "accepted": self.accepted,
            "rejected": self.rejected,
            **self.meta,
        }
        return Node(label=Label.INGEST_RUN, id=self.id, properties=props)


def _write_run(
    store: GraphStore,
    run: _Run,
    tables: list[Table],
    batch_size: int,
    progress: Progress | None,
) -> list[Node]:
    """The run node (running, then completed, failed or interrupted) around the records'
    batches; each committed batch is recorded on the run (``ingest.runs``)."""
    sources = [_source_node(p.source) for p in run.parts]
    reads = [Edge(src=run.ref, type=RelType.READ, dst=s.ref) for s in sources]
    store.write(GraphBatch(nodes=[run.node("running"), *sources], edges=reads))
    try:
        written = write_tables(
            store, tables, run.ref, batch_size, tracking(store, run.ref, progress)
        )
    except BaseException as e:
        # Whole batches that landed stay (each is idempotent); the run says it did not
        # finish, and ingesting the same content again completes it.
        status = "failed" if isinstance(e, Exception) else "interrupted"
        store.update_if(run.ref, {"status": "running"}, {"status": status})
        raise
    done = run.node("completed")
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
    """Records a key limited to ``brands`` may not write are rejected like bad ones, and
    a record restating a stored shared node exactly is left out (:mod:`ingest.scope`).

    The scope check reads each record's model: a limited key's ingest goes at the pace of
    a record at a time.
    """
    accepted: list[_Accepted] = []
    where: dict[int, tuple[int, int]] = {}  # id(accepted record) -> (table, row)
    for i, t in enumerate(tables):
        for row, line in enumerate(t.lines):
            a = _Accepted(t.kind, line, t.source, t.source_id, t.record(row))
            accepted.append(a)
            where[id(a)] = (i, row)
    rejected = check_brands(store, accepted, brands)
    kept: dict[int, list[int]] = {i: [] for i in range(len(tables))}
    for a in accepted:
        i, row = where[id(a)]
        kept[i].append(row)
    for i, rows in kept.items():
        if len(rows) < len(tables[i]):
            tables[i] = tables[i].keep(rows)
    return rejected


def _source_node(source: SourceInfo) -> Node:
    props = {
        "id": source.node_id,
        "name": source.name,
        "sha256": source.sha256,
        "bytes": source.size,
    }
    return Node(label=Label.SOURCE, id=source.node_id, properties=props)


def _write_rejects(directory: Path, run_id: str, rejected: Sequence[Rejection], total: int) -> Path:
    """The kept rejections with their records, readable by the owner alone (0600); a last
    line says how many more there were when the limit left some out."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{run_id}.rejects.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for r in rejected:
            row = {
                "source": r.source,
                "kind": r.kind,
                "line": r.line,
                "reason": r.reason,
                "record": r.record,
            }
            out.write(json.dumps(row) + "\n")
        if total > len(rejected):
            left = total - len(rejected)
            out.write(json.dumps({"more": left, "reason": "left out: over rejections_kept"}))
            out.write("\n")
    return path
