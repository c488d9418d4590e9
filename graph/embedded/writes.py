"""SQLite writes of the embedded backend: one batch's nodes, outcomes and edges.

Edges travel as groups of one type between two labels (a batch's ``edge_rows`` as they
are, its single ``edges`` grouped), so hundreds of thousands of them cost a few list
passes and ``executemany`` calls. The edges of an outcome its own row can hold (see
``derived``) go there; the rest are rows of ``edges`` (mirrored in networkx) or, with an
outcome at one end, of ``outcome_edges``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import graph.embedded.outcome_rows as outcome_rows
import graph.embedded.queries as q
from graph.embedded.derived import DerivedEdges, derivable
from graph.embedded.jsontext import dumps, encode
from graph.models import Edge, EdgeRows, GraphBatch, Node
from graph.schema import Label

_OUTCOME = Label.OUTCOME


def existing_outcomes(db: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 50_000):
        chunk = encode(ids[start : start + 50_000])
        found.update(row[0] for row in db.execute(q.EXISTING_OUTCOMES, (chunk,)))
    return found


def write_batch(db: sqlite3.Connection, nodes: Sequence[Node], groups: Sequence[EdgeRows]) -> None:
    """Write the nodes and edge groups of one (checked, storable) batch."""
    plain = [(n.label.value, n.id, dumps(n.properties)) for n in nodes if n.label is not _OUTCOME]
    if plain:
        db.executemany(q.UPSERT_NODE, plain)
    outcomes = [n for n in nodes if n.label is _OUTCOME]
    derived = [g for g in groups if derivable(g)]
    if outcomes or derived:
        # In key order: each b-tree page is then visited once per batch (a node listed
        # twice keeps its order, so the last one still wins).
        rows = sorted((outcome_rows.row(n) for n in outcomes), key=_first)
        DerivedEdges(db, outcomes, derived).write(db, rows)
    for g in groups:
        if derivable(g):
            continue
        statement = (
            q.UPSERT_OUTCOME_EDGE if _OUTCOME in (g.src_label, g.dst_label) else q.UPSERT_EDGE
        )
        db.executemany(statement, _edge_rows(g))


def missing_ends(
    db: sqlite3.Connection,
    nodes: Sequence[Node],
    groups: Sequence[EdgeRows],
    exists: Callable[[Label, str], bool],
) -> list[tuple[str, str]]:
    """Ends of the edges that are neither nodes of the batch nor stored (``exists`` answers
    for every label but outcomes), in the order the batch names them."""
    in_batch: dict[Label, set[str]] = {}
    for n in nodes:
        in_batch.setdefault(n.label, set()).add(n.id)
    ends: dict[tuple[Label, str], None] = {}
    for g in groups:
        for label, ids in ((g.src_label, g.src_ids), (g.dst_label, g.dst_ids)):
            outside = set(ids) - in_batch.get(label, set())  # usually a handful
            if outside:
                ends.update(((label, i), None) for i in dict.fromkeys(ids) if i in outside)
    outcome_ids = [i for label, i in ends if label is _OUTCOME]
    found = existing_outcomes(db, outcome_ids) if outcome_ids else set()
    return [
        (label.value, i)
        for label, i in ends
        if (i not in found if label is _OUTCOME else not exists(label, i))
    ]


def storable(batch: GraphBatch) -> GraphBatch:
    """Properties as both backends store them: ``id`` present, ``None`` values absent."""
    nodes = [
        n
        if n.properties.get("id") == n.id and None not in n.properties.values()
        else Node(
            label=n.label,
            id=n.id,
            properties={**{k: v for k, v in n.properties.items() if v is not None}, "id": n.id},
        )
        for n in batch.nodes
    ]
    edges = [
        e
        if None not in e.properties.values()
        else Edge(e.src, e.type, e.dst, {k: v for k, v in e.properties.items() if v is not None})
        for e in batch.edges
    ]
    rows = [_storable_rows(r) for r in batch.edge_rows]
    return GraphBatch(nodes=nodes, edges=edges, edge_rows=rows)


def _storable_rows(rows: EdgeRows) -> EdgeRows:
    props = rows.properties
    if props is None or not any(None in p.values() for p in props):
        return rows
    clean = [{k: v for k, v in p.items() if v is not None} for p in props]
    return EdgeRows(rows.src_label, rows.type, rows.dst_label, rows.src_ids, rows.dst_ids, clean)


def mirror_groups(groups: Sequence[EdgeRows]) -> list[EdgeRows]:
    """The groups networkx mirrors: those without an outcome at either end."""
    return [g for g in groups if _OUTCOME not in (g.src_label, g.dst_label)]


def _edge_rows(g: EdgeRows) -> list[tuple[str, ...]]:
    sl, rel, dl = g.src_label.value, g.type.value, g.dst_label.value
    if g.properties is None:
        return [(sl, s, rel, dl, d, "{}") for s, d in zip(g.src_ids, g.dst_ids, strict=True)]
    return [
        (sl, s, rel, dl, d, dumps(p))
        for s, d, p in zip(g.src_ids, g.dst_ids, g.properties, strict=True)
    ]


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]
