"""Writes of the Neo4j backend: batches, conditional writes, updates and deletes.

Each function here is the work of one managed write transaction. The driver may run it
more than once (it retries transient failures), so it only reads its arguments and
the database, never state it changed itself; raising rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError

import graph.neo4j.queries as q
from graph import audit
from graph.errors import AppendOnlyViolationError, DanglingReferenceError
from graph.models import EdgeRows, GraphBatch, Node, NodeRef, Precondition
from graph.schema import APPEND_ONLY_LABELS, SEALED_LABELS, Label, RelType

Row = dict[str, Any]
EdgeGroup = tuple[Label, RelType, Label]


class PreconditionFailed(Exception):
    """Raised inside a conditional write's transaction to roll it back."""


@dataclass
class Plan:
    """A batch as UNWIND rows: each label's node rows with the edges they lead (slots),
    then the other edges grouped by (label, type, label)."""

    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    slots: dict[Label, list[q.Slot]] = field(default_factory=dict)
    shared: dict[Label, dict[str, str]] = field(default_factory=dict)  # $c{n} parameters
    edges: dict[EdgeGroup, list[Row]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.edges)


def plan_batch(batch: GraphBatch) -> Plan:
    """The batch's rows; an edge group becomes a slot of its source nodes' rows when each
    of those nodes of the batch leads at most one of its edges and none of the group's
    other ends is written by the batch (so it exists before the statement, or dangles)."""
    plan = Plan(nodes=_node_rows(batch.nodes))
    by_id: dict[Label, dict[str, list[Row]]] = {}
    for label, rows in plan.nodes.items():
        ids = by_id[label] = {}
        for row in rows:
            found = ids.get(row["id"])
            if found is None:
                ids[row["id"]] = [row]
            else:
                found.append(row)
    for g in batch.edge_groups():
        leaders = by_id.get(g.src_label)
        slots = plan.slots.setdefault(g.src_label, [])
        if (
            leaders is not None
            and len(slots) < q.MAX_SLOTS
            and _leads(g, leaders, by_id.get(g.dst_label, {}))
        ):
            _attach(plan, g, leaders, len(slots))
            continue
        props = g.properties or [{} for _ in g.src_ids]
        plan.edges.setdefault((g.src_label, g.type, g.dst_label), []).extend(
            {"src": s, "dst": d, "props": p}
            for s, d, p in zip(g.src_ids, g.dst_ids, props, strict=True)
        )
    return plan


def _node_rows(batch_nodes: Sequence[Node]) -> dict[Label, list[Row]]:
    """Each label's rows of ``{id, props}``; the properties hold the id (a node's own
    dict when it does already: nothing here or in the driver changes a row's values)."""
    nodes: dict[Label, list[Row]] = {}
    for node in batch_nodes:
        props = node.properties
        if props.get("id") != node.id:
            props = {**props, "id": node.id}
        rows = nodes.get(node.label)
        if rows is None:
            rows = nodes[node.label] = []
        rows.append({"id": node.id, "props": props})
    return nodes


def _leads(g: EdgeRows, rows: dict[str, list[Row]], written: Mapping[str, object]) -> bool:
    """Whether each node of ``rows`` leads at most one of the group's edges, and none of
    its other ends is among ``written`` (the batch's nodes of the other end's label)."""
    sources = set(g.src_ids)
    if len(sources) != len(g.src_ids) or not rows.keys() >= sources:
        return False
    return not written or written.keys().isdisjoint(g.dst_ids)


def _attach(plan: Plan, g: EdgeRows, rows: dict[str, list[Row]], number: int) -> None:
    e, p = f"e{number}", f"p{number}"
    shared = len(rows) == len(g.src_ids) and len(set(g.dst_ids)) == 1
    if shared:
        plan.shared.setdefault(g.src_label, {})[f"c{number}"] = g.dst_ids[0]
    else:
        for src, dst in zip(g.src_ids, g.dst_ids, strict=True):
            for row in rows[src]:
                row[e] = dst
    if g.properties is not None:
        for src, props in zip(g.src_ids, g.properties, strict=True):
            for row in rows[src]:
                row[p] = props
    slot = q.Slot(number, g.type, g.dst_label, props=g.properties is not None, shared=shared)
    plan.slots[g.src_label].append(slot)


def _check_preconditions(
    tx: ManagedTransaction, preconditions: Sequence[Precondition]
) -> set[NodeRef]:
    """Lock and check each precondition's node; raise PreconditionFailed if one fails.

    A node expected absent is created bare here (the batch then sets its properties): the
    uniqueness constraint makes a racing creator wait for us and then fail. Returns the
    refs created that way.
    """
    created: set[NodeRef] = set()
    for p in sorted(preconditions, key=lambda p: (p.ref.label.value, p.ref.id)):  # lock order
        if p.expected is None:
            try:
                tx.run(q.create_node(p.ref.label), id=p.ref.id).consume()
            except ConstraintError:
                raise PreconditionFailed from None
            created.add(p.ref)
            continue
        # Locked, then read: None when absent (or deleted while we waited for the lock).
        record = tx.run(q.lock_node(p.ref.label), id=p.ref.id).single()
        if record is None or not p.holds(dict(record["props"])):
            raise PreconditionFailed
    return created


def write_batch(
    tx: ManagedTransaction,
    batch: GraphBatch,
    plan: Plan,
    chunk_rows: int,
    preconditions: Sequence[Precondition] = (),
    chained: bool = False,
    create_new: bool = False,
) -> None:
    """Write one batch; raising rolls the whole transaction back.

    With ``create_new``, a label's rows (CREATE_MIN_ROWS or more, each id once) whose
    nodes are not stored yet are created rather than merged (:func:`_split_new`); a
    writer racing to create one of them makes this raise ConstraintError, and the caller
    writes the batch again without it.
    """
    created = _check_preconditions(tx, preconditions)
    head: audit.ChainHead | None = None
    existing: set[NodeRef] = set()
    checked: frozenset[Label] = frozenset()
    if chained:  # rows made afresh: the driver may run this function again
        batch, head, stored = _seal(tx, batch, created)
        plan = plan_batch(batch)
        existing.update(stored)  # looked up already (under the head's lock if new)
        checked = SEALED_LABELS
    nodes = plan.nodes
    for label in (APPEND_ONLY_LABELS & nodes.keys()) - checked:
        ids = [row["id"] for row in nodes[label]]
        existing.update(
            NodeRef(label=label, id=r["id"]) for r in tx.run(q.existing_ids(label), ids=ids)
        )
    existing -= created
    for node in batch.nodes:  # the first offender in batch order, as the embedded backend
        if node.label in APPEND_ONLY_LABELS and node.ref in existing:
            raise AppendOnlyViolationError(node.label.value, node.id)
    for label, rows in nodes.items():
        new: list[Row] = []
        if create_new and not chained:
            rows, new = _split_new(tx, label, rows)
        _write_nodes(tx, batch, label, rows, plan, chunk_rows)
        _write_nodes(tx, batch, label, new, plan, chunk_rows, create=True)
    for (src, rel, dst), rows in plan.edges.items():
        for chunk in _chunks(rows, chunk_rows):
            record = tx.run(q.merge_edges(src, rel, dst), rows=chunk).single(strict=True)
            if record["matched"] < len(chunk):
                raise DanglingReferenceError(_missing_ends(tx, batch))
    if head is not None:
        tx.run(q.SET_AUDIT_HEAD, id=audit.HEAD_ID, seq=head.seq, hash=head.hash).consume()


def _write_nodes(
    tx: ManagedTransaction,
    batch: GraphBatch,
    label: Label,
    rows: list[Row],
    plan: Plan,
    chunk_rows: int,
    create: bool = False,
) -> None:
    """One label's node rows with the edges they lead: a statement per set of slots the
    rows have (an outcome without an audience leads one OF edge fewer); ``create``: rows
    of nodes that do not exist yet (created, not merged)."""
    if not rows:
        return
    slots = plan.slots.get(label, [])
    if not slots:
        plain = q.create_nodes(label) if create else q.merge_nodes(label)
        for chunk in _chunks(rows, chunk_rows):
            tx.run(plain, rows=chunk).consume()
        return
    own = [s for s in slots if not s.shared]
    keys = [f"e{s.number}" for s in own]
    kinds: dict[tuple[bool, ...], list[Row]] = {}
    for row in rows:
        present = tuple([key in row for key in keys])
        kind = kinds.get(present)
        if kind is None:
            kind = kinds[present] = []
        kind.append(row)
    shared = plan.shared.get(label, {})
    for present, kind in kinds.items():
        used = [s for s in slots if s.shared or present[own.index(s)]]
        query = q.nodes_with_edges(label, used, create=create)
        for chunk in _chunks(kind, chunk_rows):
            record = tx.run(query, shared, rows=chunk).single(strict=True)
            if record["matched"] < len(chunk):
                raise DanglingReferenceError(_missing_ends(tx, batch))


# Rows of one label from which new nodes are created rather than merged: a smaller write
# is not worth the extra statement that finds which of its nodes exist.
CREATE_MIN_ROWS = 500


def _split_new(
    tx: ManagedTransaction, label: Label, rows: list[Row]
) -> tuple[list[Row], list[Row]]:
    """``rows`` as (rows of stored nodes, rows of new ones), each in batch order; all
    stored when there are few rows or an id comes twice (the later row must win, as
    one statement of MERGEs makes it)."""
    if len(rows) < CREATE_MIN_ROWS or label in APPEND_ONLY_LABELS:
        return rows, []
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        return rows, []
    stored = {r["id"] for r in tx.run(q.existing_ids(label), ids=ids)}
    if not stored:
        return [], rows
    return [r for r in rows if r["id"] in stored], [r for r in rows if r["id"] not in stored]


def _seal(
    tx: ManagedTransaction, batch: GraphBatch, created: set[NodeRef]
) -> tuple[GraphBatch, audit.ChainHead | None, dict[NodeRef, dict[str, Any]]]:
    """Seal the batch's new sealed-label nodes: the batch to write, the new head if it
    moved, and the stored seals of those that existed.

    New nodes are looked up under the head's write lock: every sealer holds it while it
    creates, so two writers creating one node cannot both seal it, and a Decision or
    Approval created meanwhile is caught by the append-only check after. A batch that
    only rewrites existing executions (the outbox) takes no lock; one with a decision or
    approval, or a node its own precondition just created, takes it at once.
    """
    refs = audit.sealed_refs(batch)
    likely_new = any(r in created or r.label in APPEND_ONLY_LABELS for r in refs)
    stored = {} if likely_new else _stored_seals(tx, refs, created)
    if not likely_new and all(r in stored for r in refs):
        return audit.seal_batch(batch, stored, audit.ChainHead())[0], None, stored
    now = datetime.now(UTC).isoformat()
    record = tx.run(q.LOCK_AUDIT_HEAD, id=audit.HEAD_ID, genesis=audit.GENESIS, now=now).single(
        strict=True
    )
    head = audit.ChainHead(seq=int(record["seq"]), hash=str(record["hash"]))
    unknown = [r for r in refs if r not in stored and r not in created]
    stored.update(_stored_seals(tx, unknown, created))
    sealed, moved = audit.seal_batch(batch, stored, head)
    return sealed, None if moved == head else moved, stored


def _stored_seals(
    tx: ManagedTransaction, refs: Sequence[NodeRef], created: set[NodeRef]
) -> dict[NodeRef, dict[str, Any]]:
    """The stored seal fields of those of ``refs`` that exist (bare nodes this transaction
    created for a precondition do not count: they are new)."""
    found: dict[NodeRef, dict[str, Any]] = {}
    for label, ids in ids_by_label(refs).items():
        for r in tx.run(q.seal_fields(label), ids=ids):
            ref = NodeRef(label=label, id=r["id"])
            if ref not in created:
                found[ref] = {f: r[f] for f in audit.SEAL_FIELDS if r[f] is not None}
    return found


def _missing_ends(tx: ManagedTransaction, batch: GraphBatch) -> list[tuple[str, str]]:
    """Ends of the batch's edges that exist nowhere (its own nodes count as written: a
    statement of nodes with their edges may fail before the other nodes are)."""
    written = {n.ref for n in batch.nodes}
    edges = batch.expanded().edges
    ends = [e for e in dict.fromkeys(x for e in edges for x in (e.src, e.dst)) if e not in written]
    existing: set[NodeRef] = set()
    for label, ids in ids_by_label(ends).items():
        for r in tx.run(q.existing_ids(label), ids=ids):
            existing.add(NodeRef(label=label, id=r["id"]))
    return [(end.label.value, end.id) for end in ends if end not in existing]


def update_node(
    tx: ManagedTransaction,
    ref: NodeRef,
    expect: Mapping[str, Any],
    changes: Mapping[str, Any],
) -> dict[str, Any] | None:
    """``update_if``: merge ``changes`` into the node if it has the ``expect``ed values;
    its new properties, or None when it is absent or differs."""
    # The no-op write takes the node's lock first, so the comparison below sees the last
    # committed state and no other transaction can change it meanwhile.
    record = tx.run(q.lock_node(ref.label), id=ref.id).single()
    if record is None:
        return None
    current: dict[str, Any] = record["props"]
    if any(current.get(k) != v for k, v in expect.items()):
        return None
    changed = tx.run(q.set_properties(ref.label), id=ref.id, changes=dict(changes)).single()
    return None if changed is None else dict(changed["props"])


def delete_nodes(tx: ManagedTransaction, wanted: Mapping[Label, list[str]]) -> int:
    """Detach-delete the nodes of each label's ids; how many there were."""
    deleted = 0
    for label, ids in wanted.items():
        record = tx.run(q.delete_nodes(label), ids=ids).single()
        deleted += int(record["n"]) if record else 0
    return deleted


# -- helpers -------------------------------------------------------------------------------
def ids_by_label(refs: Iterable[NodeRef]) -> dict[Label, list[str]]:
    out: dict[Label, dict[str, None]] = {}
    for ref in refs:
        out.setdefault(ref.label, {})[ref.id] = None
    return {label: list(ids) for label, ids in out.items()}


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
