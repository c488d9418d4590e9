"""Sealing: what each backend runs inside its write transaction (pure, no I/O).

Each new ``Decision``, ``Approval`` or ``Execution`` gets the next sequence number, the
hash of its predecessor and its own hash over its sealed content, and the single
``AuditHead`` node moves to it, in the transaction that creates the record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from graph.errors import AppendOnlyViolationError
from graph.models import Edge, GraphBatch, Node, NodeRef
from graph.schema import SEALED_LABELS, STORE_OWNED_LABELS, Label

GENESIS: Final = "0" * 64  # the "previous hash" of the first record
HEAD_ID: Final = "audit"
HEAD_REF: Final = NodeRef(label=Label.AUDIT_HEAD, id=HEAD_ID)
PREFIX: Final = "audit_"
SEAL_FIELDS: Final = ("audit_seq", "audit_prev", "audit_hash", "audit_keys", "audit_edges")

# graph.models.canonical_json with its encoder made once (json.dumps makes one per call).
canonical: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode

# What an Execution records for good. Its other properties move later (status, attempts,
# delivered_at, external_ref, last_error: the outbox and retries rewrite them).
EXECUTION_SEALED_KEYS: Final = frozenset(
    {
        "id",
        "idempotency_key",
        "adapter",
        "kind",
        "action",
        "action_digest",
        "undo",
        "applied_at",
        "line_id",
        "line_revision",
        "channel_id",
        "audience_id",
        "campaign_id",
        "asset_id",
        "experiment_id",
        "plan_id",
        "task_id",
        "before",
        "after",
    }
)


# -- sealing (inside the write transaction) ------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last link of the chain: its sequence number and hash (0 and GENESIS: empty)."""

    seq: int = 0
    hash: str = GENESIS

    @classmethod
    def of(cls, props: Mapping[str, Any] | None) -> ChainHead:
        if not props:
            return cls()
        return cls(seq=int(props.get("seq", 0)), hash=str(props.get("hash", GENESIS)))


def touches_chain(batch: GraphBatch) -> bool:
    """Whether ``batch`` holds Decision, Approval or Execution nodes (one pass, no I/O).

    Raises AppendOnlyViolationError if it carries the audit head or an edge touching it:
    only the store moves the head.
    """
    nodes = {node.label for node in batch.nodes}
    labels = nodes.union(e.src.label for e in batch.edges)
    labels.update(e.dst.label for e in batch.edges)
    if not labels.isdisjoint(STORE_OWNED_LABELS):
        ends = (end for e in batch.edges for end in (e.src, e.dst))
        owned = next(
            r for r in (*(n.ref for n in batch.nodes), *ends) if r.label in STORE_OWNED_LABELS
        )
        raise AppendOnlyViolationError(owned.label.value, owned.id)
    return not nodes.isdisjoint(SEALED_LABELS)


def sealed_refs(batch: GraphBatch) -> list[NodeRef]:
    """The distinct sealed-label nodes of ``batch``, in batch order."""
    return list(dict.fromkeys(n.ref for n in batch.nodes if n.label in SEALED_LABELS))


def check_update(ref: NodeRef, changes: Mapping[str, Any]) -> None:
    """``update_if`` may not touch a seal: raise ValueError if ``changes`` tries to."""
    touched = sorted(k for k in changes if k.startswith(PREFIX))
    if ref.label in SEALED_LABELS and touched:
        raise ValueError(f"{ref}: {', '.join(touched)} belong to the audit chain, not to callers")


def seal_batch(
    batch: GraphBatch, stored: Mapping[NodeRef, Mapping[str, Any]], head: ChainHead
) -> tuple[GraphBatch, ChainHead]:
    """Seal the new sealed-label nodes of ``batch`` in batch order; returns the batch to
    write and the new head (``head`` itself when nothing was new).

    ``stored`` holds the stored properties (at least the ``audit_*`` ones) of those nodes
    of the batch that exist already: they keep their stored seal whatever the batch says,
    so a writer rewriting an Execution (``{**props, **changes}``) can neither drop nor
    forge one. A node listed twice is written once, with its last properties.
    """
    last: dict[NodeRef, Node] = {}
    for node in batch.nodes:
        if node.label in SEALED_LABELS:
            last[node.ref] = node  # keeps the position of the first occurrence
    if not last:
        return batch, head
    out_edges = _out_edges(batch.edges, {r for r in last if r not in stored})
    seq, prev = head.seq, head.hash
    sealed: dict[NodeRef, Node] = {}
    for ref, node in last.items():
        props = {
            k: v for k, v in node.properties.items() if v is not None and not k.startswith(PREFIX)
        }
        props["id"] = ref.id
        old = stored.get(ref)
        if old is not None:
            props.update({k: old[k] for k in SEAL_FIELDS if old.get(k) is not None})
        else:
            seq += 1
            keys = sealed_keys(ref.label, props)
            edges = out_edges.get(ref, [])
            digest = link_hash(prev, record_content(seq, ref, props, keys, edges))
            props.update(
                audit_seq=seq,
                audit_prev=prev,
                audit_hash=digest,
                audit_keys=keys,
                audit_edges=edges,
            )
            prev = digest
        sealed[ref] = Node(label=ref.label, id=ref.id, properties=props)
    nodes: list[Node] = []
    for node in batch.nodes:
        if node.ref not in sealed:
            nodes.append(node)
        elif node.ref in last:  # the first occurrence stands for every one
            nodes.append(sealed[node.ref])
            del last[node.ref]
    return GraphBatch(nodes=nodes, edges=batch.edges), ChainHead(seq, prev)


def sealed_keys(label: Label, props: Mapping[str, Any]) -> list[str]:
    """The property names sealed for a node of ``label``: every one of a decision or an
    approval (they never change), the immutable ones of an execution."""
    names = (k for k in props if not k.startswith(PREFIX))
    if label is Label.EXECUTION:
        return sorted(k for k in names if k in EXECUTION_SEALED_KEYS)
    return sorted(names)


def edge_text(edge: Edge) -> str:
    """An outgoing edge as sealed: ``[type, dst label, dst id, properties]`` in JSON."""
    props = {k: v for k, v in edge.properties.items() if v is not None}
    return canonical([edge.type.value, edge.dst.label.value, edge.dst.id, props])


def _out_edges(edges: Sequence[Edge], refs: set[NodeRef]) -> dict[NodeRef, list[str]]:
    """The sealed text of each new node's outgoing edges, the last of duplicates winning
    (as the upsert does), ordered by type, then the other end's label and id."""
    found: dict[NodeRef, dict[tuple[str, str, str], Edge]] = {}
    for edge in edges:
        if edge.src in refs:
            key = (edge.type.value, edge.dst.label.value, edge.dst.id)
            found.setdefault(edge.src, {})[key] = edge
    return {ref: [edge_text(by_key[k]) for k in sorted(by_key)] for ref, by_key in found.items()}


def record_content(
    seq: int, ref: NodeRef, props: Mapping[str, Any], keys: Sequence[str], edges: Sequence[str]
) -> str:
    """What a record's hash covers, as canonical JSON (a key absent from ``props`` is
    left out, so removing a sealed property changes the content)."""
    sealed = {k: props[k] for k in keys if k in props}
    return canonical(
        {"seq": seq, "label": ref.label.value, "id": ref.id, "props": sealed, "edges": list(edges)}
    )


def link_hash(prev: str, content: str) -> str:
    """sha256 of the previous hash, a newline and the record's content."""
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()


def head_properties(
    head: ChainHead, previous: Mapping[str, Any] | None, now: str
) -> dict[str, Any]:
    """The AuditHead node's properties after sealing up to ``head``."""
    started = previous.get("started_at") if previous else None
    return {
        "id": HEAD_ID,
        "seq": head.seq,
        "hash": head.hash,
        "started_at": started or now,
        "updated_at": now,
    }
