"""Verification: the whole chain checked through the ``GraphStore`` contract alone.

Every finding names the record (``Label:id``), its place in the chain and what is wrong.
What a passing verification proves, and what it cannot, is in ``docs/audit.md``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from graph.audit.sealing import (
    GENESIS,
    HEAD_REF,
    SEAL_FIELDS,
    ChainHead,
    canonical,
    link_hash,
    record_content,
    sealed_keys,
)
from graph.models import Node, NodeRef
from graph.schema import Label, RelType

if TYPE_CHECKING:
    from graph.base import GraphStore

# The property holding a record's time, for telling records older than the chain apart.
_TIME_KEY: Final = {Label.DECISION: "created_at", Label.APPROVAL: "created_at"}
_EXECUTION_TIME_KEY: Final = "applied_at"

PAGE: Final = 1000  # nodes per list_nodes call
READ_ATTEMPTS: Final = 5  # passes over the records while the chain keeps growing
EDGE_CHUNK: Final = 200  # records per incident_edges call
EDGE_LIMIT: Final = 100_000  # edges per record: far more than any record has

# What verify can find, for callers that filter or count findings.
PROBLEMS: Final = (
    "edited",  # a sealed property or the seal itself changed; a property added
    "deleted",  # records missing between two others (or before the first)
    "duplicate_seq",  # two records claim one place in the chain
    "broken_link",  # audit_prev is not the predecessor's hash
    "edge_removed",  # a sealed outgoing edge is gone
    "edge_changed",  # a sealed outgoing edge's properties changed
    "head_missing",  # sealed records exist but the AuditHead node does not
    "head_mismatch",  # the head is not the last record (the tail deleted, or added around it)
    "unsealed",  # a record without a seal, newer than the chain's start
    "seal_damaged",  # seal fields partly missing or of the wrong type
    "anchor_mismatch",  # the record at an anchored seq is gone or has another hash
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with the chain: what, where (node and seq, when known) and why."""

    problem: str
    detail: str
    node: str | None = None  # "Label:id"
    seq: int | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (f"seq {self.seq}" if self.seq else "", self.node or "") if part
        )
        return (
            f"{self.problem} ({where}): {self.detail}"
            if where
            else f"{self.problem}: {self.detail}"
        )


@dataclass(slots=True)
class AuditReport:
    """The outcome of :func:`verify_chain`; intact when there are no findings."""

    records: int = 0  # sealed records found
    unsealed: int = 0  # records without a seal (written before the chain existed)
    head_seq: int | None = None  # None: no AuditHead node
    head_hash: str | None = None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def intact(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        seq = self.head_seq or 0
        digest = self.head_hash or GENESIS
        if self.intact:
            return f"audit chain intact: {self.records} records, head seq {seq} hash {digest}"
        return (
            f"audit chain BROKEN: {len(self.findings)} finding(s) over {self.records} records, "
            f"head seq {seq} hash {digest}"
        )


@dataclass(frozen=True, slots=True)
class _Record:
    node: Node
    seq: int
    prev: str
    hash: str
    keys: list[str]
    edges: list[str]

    @property
    def name(self) -> str:
        return str(self.node.ref)


class _DamagedSealError(Exception):
    pass


def verify_chain(
    store: GraphStore, *, anchor: tuple[int, str] | None = None, page: int = PAGE
) -> AuditReport:
    """Check the whole chain through ``store``'s contract: every record's hash, the links
    between them, the sealed edges and the head. With ``anchor`` (a seq and hash recorded
    outside the database, see ``marketgraph audit head``) also that the record at that
    seq still has that hash.

    Records are read a page at a time, so a record sealed meanwhile could shift a page and
    be missed: a pass during which the head moved is read again (a few times at most).
    """
    started = time.perf_counter()
    for _ in range(READ_ATTEMPTS):
        head = store.get_node(HEAD_REF)
        records, unsealed, findings = _read_records(store, page)
        if _head_of(head) == _head_of(store.get_node(HEAD_REF)):
            break
    else:  # still growing: judge what was sealed when the last pass began
        limit = ChainHead.of(head.properties).seq if head else 0
        records = [r for r in records if r.seq <= limit]
    by_seq: dict[int, list[_Record]] = {}
    for record in records:
        by_seq.setdefault(record.seq, []).append(record)
    findings += _content_findings(records)
    findings += _link_findings(by_seq)
    findings += _head_findings(head, by_seq)
    findings += _edge_findings(store, records)
    findings += _unsealed_findings(unsealed, records, head)
    if anchor is not None:
        findings += _anchor_findings(anchor, by_seq)
    findings.sort(key=lambda f: (f.seq if f.seq is not None else 0, f.node or "", f.problem))
    current = _head_of(head)
    return AuditReport(
        records=len(records),
        unsealed=len(unsealed),
        head_seq=None if current is None else current.seq,
        head_hash=None if current is None else current.hash,
        findings=findings,
        seconds=time.perf_counter() - started,
    )


def _head_of(node: Node | None) -> ChainHead | None:
    return None if node is None else ChainHead.of(node.properties)


def _read_records(store: GraphStore, page: int) -> tuple[list[_Record], list[Node], list[Finding]]:
    """Every sealed record (ordered by seq), every unsealed one, and damaged seals."""
    records: dict[NodeRef, _Record] = {}
    unsealed: dict[NodeRef, Node] = {}
    damaged: list[Finding] = []
    for label in (Label.DECISION, Label.APPROVAL, Label.EXECUTION):
        offset = 0
        while True:
            nodes = store.list_nodes(label, limit=page, offset=offset)
            for node in nodes:
                try:
                    record = _record_of(node)
                except _DamagedSealError as e:
                    damaged.append(Finding("seal_damaged", str(e), str(node.ref)))
                    continue
                if record is None:
                    unsealed[node.ref] = node
                else:
                    records[node.ref] = record
            if len(nodes) < page:
                break
            offset += page
    ordered = sorted(records.values(), key=lambda r: (r.seq, r.name))
    return ordered, list(unsealed.values()), damaged


def _record_of(node: Node) -> _Record | None:
    """The node's seal; None when it has none; _DamagedSealError when it has part of one."""
    p = node.properties
    present = [f for f in SEAL_FIELDS if f in p]
    if not present:
        return None
    missing = [f for f in SEAL_FIELDS if f not in p]
    if missing:
        raise _DamagedSealError(f"seal fields missing: {', '.join(missing)}")
    seq, prev, digest, keys, edges = (p[f] for f in SEAL_FIELDS)
    if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1):
        raise _DamagedSealError(f"audit_seq is not a positive integer: {seq!r}")
    if not (isinstance(prev, str) and isinstance(digest, str)):
        raise _DamagedSealError("audit_prev and audit_hash must be strings")
    for name, value in (("audit_keys", keys), ("audit_edges", edges)):
        if not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            raise _DamagedSealError(f"{name} is not a list of strings: {value!r}")
    return _Record(node, seq, prev, digest, list(keys), list(edges))


def _content_findings(records: Sequence[_Record]) -> list[Finding]:
    out: list[Finding] = []
    for r in records:
        props = r.node.properties
        now = set(sealed_keys(r.node.label, props))
        problems = [f"property {k!r} added after sealing" for k in sorted(now - set(r.keys))]
        problems += [f"sealed property {k!r} removed" for k in sorted(set(r.keys) - now)]
        content = record_content(r.seq, r.node.ref, props, r.keys, r.edges)
        if link_hash(r.prev, content) != r.hash:
            problems.insert(
                0,
                "its content no longer matches its seal (a sealed property, edge "
                "list or the seal itself was changed)",
            )
        if problems:
            out.append(Finding("edited", "; ".join(problems), r.name, r.seq))
    return out


def _link_findings(by_seq: Mapping[int, list[_Record]]) -> list[Finding]:
    out: list[Finding] = []
    expected, before = 1, 0
    for seq in sorted(by_seq):
        here = by_seq[seq]
        if len(here) > 1:
            names = ", ".join(r.name for r in here)
            out.append(
                Finding("duplicate_seq", f"{len(here)} records claim it: {names}", None, seq)
            )
        if seq > expected:
            after = f"seq {seq} ({here[0].name})"
            since = f"seq {before} ({by_seq[before][0].name})" if before else "the start"
            gone = f"seq {expected}" if expected == seq - 1 else f"seq {expected}..{seq - 1}"
            out.append(
                Finding(
                    "deleted",
                    f"{gone} missing: deleted between {since} and {after}",
                    None,
                    expected,
                )
            )
        else:
            hashes = {GENESIS} if seq == 1 else {r.hash for r in by_seq[seq - 1]}
            for r in here:
                if r.prev not in hashes:
                    what = "the genesis hash" if seq == 1 else f"the hash of seq {seq - 1}"
                    out.append(
                        Finding(
                            "broken_link",
                            f"audit_prev is not {what}: the predecessor was rewritten, or this "
                            "record was",
                            r.name,
                            seq,
                        )
                    )
        expected, before = seq + 1, seq
    return out


def _head_findings(head: Node | None, by_seq: Mapping[int, list[_Record]]) -> list[Finding]:
    last = max(by_seq, default=0)
    if head is None:
        if not by_seq:
            return []
        return [
            Finding(
                "head_missing",
                f"no AuditHead node, but sealed records exist up to seq {last}: it was deleted",
            )
        ]
    h = ChainHead.of(head.properties)
    if h.seq > last:
        gone = f"seq {last + 1}" if h.seq == last + 1 else f"seq {last + 1}..{h.seq}"
        detail = f"the head is at seq {h.seq} but the last record is seq {last}: {gone} deleted"
        return [Finding("head_mismatch", detail, str(HEAD_REF), h.seq)]
    if h.seq < last:
        detail = (
            f"records exist after the head's seq {h.seq} (up to seq {last}): they were not "
            "sealed by the store"
        )
        return [Finding("head_mismatch", detail, str(HEAD_REF), h.seq)]
    hashes = {r.hash for r in by_seq[last]} if last else {GENESIS}
    if h.hash not in hashes:
        detail = f"the head's hash {h.hash[:16]}… is not the hash of seq {last}"
        return [Finding("head_mismatch", detail, str(HEAD_REF), h.seq)]
    return []


def _edge_findings(store: GraphStore, records: Sequence[_Record]) -> list[Finding]:
    out: list[Finding] = []
    with_edges = [r for r in records if r.edges]
    for start in range(0, len(with_edges), EDGE_CHUNK):
        chunk = with_edges[start : start + EDGE_CHUNK]
        wanted: dict[NodeRef, list[tuple[tuple[str, str, str], str, str]]] = {}
        types: set[RelType] = set()
        for r in chunk:
            for text in r.edges:
                try:
                    rel, dst_label, dst_id, props = json.loads(text)
                    types.add(RelType(rel))
                    Label(dst_label)
                except (ValueError, TypeError):
                    out.append(
                        Finding("seal_damaged", f"unreadable sealed edge {text!r}", r.name, r.seq)
                    )
                    continue
                key = (str(rel), str(dst_label), str(dst_id))
                wanted.setdefault(r.node.ref, []).append((key, canonical(props), text))
        directions: dict[RelType, Any] = {t: "out" for t in types}
        actual: dict[tuple[NodeRef, tuple[str, str, str]], str] = {}
        for e in store.incident_edges(list(wanted), EDGE_LIMIT, directions):
            key = (e.type.value, e.dst.label.value, e.dst.id)
            props = {k: v for k, v in e.properties.items() if v is not None}
            actual[(e.src, key)] = canonical(props)
        by_ref = {r.node.ref: r for r in chunk}
        for ref, expected in wanted.items():
            r = by_ref[ref]
            for key, props_text, _ in expected:
                shown = f"{key[0]} -> {key[1]}:{key[2]}"
                got = actual.get((ref, key))
                if got is None:
                    out.append(
                        Finding("edge_removed", f"sealed edge {shown} is gone", r.name, r.seq)
                    )
                elif got != props_text:
                    detail = f"sealed edge {shown} now has {got}, sealed with {props_text}"
                    out.append(Finding("edge_changed", detail, r.name, r.seq))
    return out


def _unsealed_findings(
    unsealed: Sequence[Node], records: Sequence[_Record], head: Node | None
) -> list[Finding]:
    """Unsealed records are fine when written before the chain started: each one's time
    must be earlier than the chain's start (the head's ``started_at`` or the earliest
    sealed record's time, whichever is earlier). With nothing sealed, every one is fine."""
    starts = [t for t in (_time(r.node) for r in records) if t is not None]
    if head is not None:
        started = _parse_time(head.properties.get("started_at"))
        if started is not None:
            starts.append(started)
    if not starts:
        return []
    start = min(starts)
    out: list[Finding] = []
    for node in unsealed:
        when = _time(node)
        if when is None or when >= start:
            shown = "no time" if when is None else when.isoformat()
            detail = (
                f"not sealed, yet written at {shown}, after the chain started "
                f"({start.isoformat()}): it did not go through the store's write"
            )
            out.append(Finding("unsealed", detail, str(node.ref)))
    return out


def _anchor_findings(anchor: tuple[int, str], by_seq: Mapping[int, list[_Record]]) -> list[Finding]:
    seq, digest = anchor
    here = by_seq.get(seq, [])
    if not here:
        return [Finding("anchor_mismatch", f"the anchored record seq {seq} is gone", None, seq)]
    if digest not in {r.hash for r in here}:
        detail = (
            f"seq {seq} has hash {here[0].hash[:16]}…, the anchor says {digest[:16]}…: the "
            "chain was rewritten up to there"
        )
        return [Finding("anchor_mismatch", detail, here[0].name, seq)]
    return []


def _time(node: Node) -> datetime | None:
    key = _TIME_KEY.get(node.label, _EXECUTION_TIME_KEY)
    return _parse_time(node.properties.get(key))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)
