"""Canonical records into the graph: validate all, check references, write in batches.

A batch (one call, one or more files of any kinds) is validated and reference-checked as
a whole before anything is written, so a bad record means nothing lands unless the
caller asked to skip bad records. Every node written gets a FROM edge to the IngestRun,
which READ its Source(s); re-ingesting identical content (by the same key, with the same
brands) is recognised and changes nothing. Rejections are kept up to a limit and counted
beyond it (:mod:`ingest.limits`); a batch with no record at all writes nothing.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef, clean_properties, sha256_hex
from graph.schema import Label, RelType
from ingest.checks import reject_duplicates, validate_quietly
from ingest.errors import EmptyInputError, RecordsRejectedError, Rejection, UnknownKindError
from ingest.limits import DEFAULT_LIMITS, Limits
from ingest.readers import RawRow, SourceInfo
from ingest.records import KINDS, RECORD_TYPES, CanonicalRecord
from ingest.runs import process_props, tracking
from ingest.scope import check_brands

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
    """The same content ingested the same way, by the same sender with the same brands,
    always gets the same run id (and another sender's batch never passes for it)."""
    key = "|".join(sorted(f"{p.kind}:{p.source.sha256}" for p in parts)) + f"|skip={skip_bad}"
    scope = "*" if brands is None else ";".join(sorted(brands))
    key += f"|by={actor or '-'}|brands={scope}"
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

    ``brands`` limits what may be written to those brands' records (a key limited to
    brands): any other record is rejected like a bad one. ``actor`` (a key id) is who
    sends it; with ``brands`` it is part of the run id.
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
    accepted, rejected, more = _validate(parts, progress, keep, stop=not skip_bad)
    if not accepted and not rejected:
        names = ", ".join(p.source.name for p in parts)
        raise EmptyInputError(f"{names or 'the input'}: no records in it; nothing was written")
    rejected += reject_duplicates(accepted)
    if brands is not None:
        rejected += check_brands(store, accepted, brands)
    rejected += _check_references(store, accepted)
    rejected.sort(key=_order)
    total = len(rejected) + max(more, 0)
    rejected = rejected[:keep]
    if total and not skip_bad:
        raise RecordsRejectedError(rejected, len(accepted), total=total, stopped=more < 0)

    started = datetime.now(UTC).isoformat()
    meta = {**process_props(), "by": actor, "brands": sorted(brands) if brands else None}

    def run_node(status: str) -> Node:
        node = _run_node(run_id, parts, skip_bad, started, status, len(accepted), total)
        node.properties.update(clean_properties(meta))
        return node

    run = run_node("running")
    sources = [_source_node(p.source) for p in parts]
    reads = [Edge(src=run.ref, type=RelType.READ, dst=s.ref) for s in sources]
    store.write(GraphBatch(nodes=[run, *sources], edges=reads))
    try:
        written = _write_records(
            store, accepted, run.ref, batch_size, tracking(store, run.ref, progress)
        )
    except BaseException as e:
        # Whole batches that landed stay (each is idempotent); the run says it did not
        # finish, and ingesting the same content again completes it.
        status = "failed" if isinstance(e, Exception) else "interrupted"
        store.update_if(run.ref, {"status": "running"}, {"status": status})
        raise
    done = run_node("completed")
    done.properties["finished_at"] = datetime.now(UTC).isoformat()
    store.write(GraphBatch(nodes=[done]))

    report = IngestReport(
        run_id=run_id, accepted=len(accepted), rejected=rejected, rejected_count=total
    )
    if on_written is not None:
        report.index_pending = on_written(written)
    if rejected and rejects_dir is not None:
        report.rejects_file = _write_rejects(rejects_dir, run_id, rejected, total)
    return report


def _order(r: Rejection) -> tuple[str, int]:
    return (r.source, r.line)


def _validate(
    parts: Sequence[Part], progress: Progress | None, keep: int, stop: bool
) -> tuple[list[_Accepted], list[Rejection], int]:
    """The valid records, the first ``keep`` rejections and how many more there were.

    With ``stop`` (nothing will be written anyway), reading stops at ``keep`` rejections
    and the count of the rest is -1: unknown.
    """
    accepted: list[_Accepted] = []
    rejected: list[Rejection] = []
    more = 0
    for part in parts:
        model = RECORD_TYPES[part.kind]
        name = part.source.name
        for line, raw in part.rows:
            if len(rejected) >= keep:  # past the kept rejections: count, do not keep
                if stop:  # nothing will be written anyway
                    return accepted, rejected, -1
                found = None if isinstance(raw, Rejection) else validate_quietly(model, raw)
                if found is None:
                    more += 1
                    continue
                record = found
            elif isinstance(raw, Rejection):
                rejected.append(Rejection(raw.line, raw.reason, name, part.kind))
                continue
            else:
                try:
                    record = model.model_validate(raw)
                except ValidationError as e:
                    rejected.append(Rejection(line, _reason(e), name, part.kind, raw))
                    continue
            accepted.append(_Accepted(part.kind, line, name, part.source.node_id, record))
            if progress and len(accepted) % 10_000 == 0:
                progress("validating", len(accepted), 0)
    return accepted, rejected, more


def _reason(error: ValidationError) -> str:
    """One readable line per failed field: ``spend: Input should be >= 0 (got -3)``."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"]
        if item["type"] == "missing":
            parts.append(f"{where}: required field is missing")
        elif "input" in item and not isinstance(item["input"], dict):
            got = repr(item["input"])
            got = got if len(got) <= 80 else f"{got[:60]}… ({len(got):,} characters)"
            parts.append(f"{where}: {message} (got {got})")
        else:
            parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _check_references(store: GraphStore, accepted: list[_Accepted]) -> list[Rejection]:
    """Reject records pointing at ids that exist neither in the batch nor in the graph.

    Repeats until stable, so a record that points only at a rejected record goes too.
    """
    rejected: list[Rejection] = []
    existing: dict[Label, set[str]] = {}
    live = accepted
    while True:
        in_batch: dict[Label, set[str]] = defaultdict(set)
        for a in live:
            in_batch[a.record.label].add(a.record.node_id())
        wanted: dict[Label, set[str]] = defaultdict(set)
        for a in live:
            for label, target in _targets(a.record):
                if target not in in_batch[label]:
                    wanted[label].add(target)
        for label, ids in wanted.items():
            known = existing.setdefault(label, set())
            unknown = ids - known
            if unknown:
                known |= store.existing_ids(label, unknown)
        round_rejects = []
        keep = []
        for a in live:
            missing = [
                (label, t)
                for label, t in _targets(a.record)
                if t not in in_batch[label] and t not in existing.get(label, set())
            ]
            if missing:
                what = ", ".join(f"{lab.value} {t!r}" for lab, t in missing)
                reason = f"refers to {what}, which exists neither in this batch nor in the graph"
                raw = a.record.model_dump(mode="json", exclude_none=True)
                round_rejects.append(Rejection(a.line, reason, a.source, a.kind, raw))
            else:
                keep.append(a)
        if not round_rejects:
            break
        rejected += round_rejects
        live = keep
    accepted[:] = live
    return rejected


def _targets(record: CanonicalRecord) -> list[tuple[Label, str]]:
    out = []
    for ref in record.references:
        value = getattr(record, ref.field)
        if value is None:
            continue
        for target in value if ref.many else [value]:
            out.append((ref.label, str(target)))
    return out


def _record_node(record: CanonicalRecord) -> Node:
    data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    for ref in record.references:
        if ref.many:
            data.pop(ref.field, None)
    node_id = record.node_id()
    data["id"] = node_id
    return Node(label=record.label, id=node_id, properties=clean_properties(data))


def _record_edges(record: CanonicalRecord, ref_self: NodeRef) -> list[Edge]:
    edges = []
    for ref in record.references:
        value = getattr(record, ref.field)
        if value is None:
            continue
        for target in value if ref.many else [value]:
            other = NodeRef(label=ref.label, id=str(target))
            src, dst = (ref_self, other) if ref.outgoing else (other, ref_self)
            edges.append(Edge(src=src, type=ref.rel, dst=dst, properties={}))
    return edges


def _write_records(
    store: GraphStore,
    accepted: list[_Accepted],
    run: NodeRef,
    batch_size: int,
    progress: Progress | None,
) -> list[Node]:
    """Nodes first (in kind order), then edges, so no edge ever waits for a later batch."""
    order = {kind: i for i, kind in enumerate(KINDS)}
    accepted.sort(key=lambda a: order[a.kind])
    nodes: dict[NodeRef, Node] = {}
    for a in accepted:
        node = _record_node(a.record)
        nodes[NodeRef(label=node.label, id=node.id)] = node
    edges: dict[tuple[NodeRef, RelType, NodeRef], Edge] = {}
    for a in accepted:
        me = NodeRef(label=a.record.label, id=a.record.node_id())
        for edge in _record_edges(a.record, me):
            edges[(edge.src, edge.type, edge.dst)] = edge
        # The FROM edge says exactly where the record came from: which source, which line.
        where = {"source": a.source_id, "line": a.line}
        edges[(me, RelType.FROM, run)] = Edge(src=me, type=RelType.FROM, dst=run, properties=where)
    node_list, edge_list = list(nodes.values()), list(edges.values())
    total = len(node_list) + len(edge_list)
    done = 0
    for start in range(0, len(node_list), batch_size):
        chunk = node_list[start : start + batch_size]
        store.write(GraphBatch(nodes=chunk, edges=[]))
        done += len(chunk)
        if progress:
            progress("writing", done, total)
    for start in range(0, len(edge_list), batch_size):
        edge_chunk = edge_list[start : start + batch_size]
        store.write(GraphBatch(nodes=[], edges=edge_chunk))
        done += len(edge_chunk)
        if progress:
            progress("writing", done, total)
    return node_list


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
