"""SQLite writes of the embedded backend: nodes, outcomes, edges and derived OF edges.

An outcome's OF edges to the campaign, channel, audience and asset its own columns name
are kept as bits of ``outcomes.of_mask`` instead of rows (see ``queries``); these helpers
keep that equivalent to storing every edge.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import graph.embedded.queries as q
from graph.models import Edge, GraphBatch, Node
from graph.schema import Label, RelType

_OUTCOME = Label.OUTCOME
NUMERIC = ("spend", "revenue", "conversions", "clicks", "impressions", "leads")


def existing_outcomes(db: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 50_000):
        chunk = json.dumps(ids[start : start + 50_000])
        found.update(row[0] for row in db.execute(q.EXISTING_OUTCOMES, (chunk,)))
    return found


def write_nodes(db: sqlite3.Connection, nodes: Sequence[Node]) -> None:
    plain = [(n.label.value, n.id, _dumps(n.properties)) for n in nodes if n.label is not _OUTCOME]
    if plain:
        db.executemany(q.UPSERT_NODE, plain)
    outcomes = [n for n in nodes if n.label is _OUTCOME]
    if not outcomes:
        return
    # An OF edge kept as a bit follows its column; if a rewrite changes the column, the
    # edge stays where it was written: it becomes a stored row and its bit is cleared.
    before = outcome_columns(db, [n.id for n in outcomes])
    kept: list[tuple[str, ...]] = []
    cleared: list[tuple[int, int, str]] = []
    for node in outcomes:
        old = before.get(node.id)
        if old is None:
            continue
        columns, mask = old
        bits = 0
        for label, (column, bit) in q.OF_COLUMNS.items():
            value = columns[column]
            if mask & bit and value is not None and value != node.properties.get(column):
                kept.append((_OUTCOME.value, node.id, RelType.OF.value, label.value, value, "{}"))
                bits |= bit
        if bits:
            cleared.append((0, bits, node.id))
    db.executemany(q.UPSERT_OUTCOME, [_outcome_row(n) for n in outcomes])
    if kept:
        db.executemany(q.UPSERT_OUTCOME_EDGE, kept)
        db.executemany(q.SET_OF_MASK, cleared)


def write_edges(db: sqlite3.Connection, edges: Sequence[Edge]) -> None:
    plain: list[tuple[str, ...]] = []
    with_outcome: list[tuple[str, ...]] = []
    columns = outcome_columns(db, [e.src.id for e in edges if _derivable(e)])
    masks: dict[str, list[int]] = {}  # outcome id -> [bits to set, bits to clear]
    unstored: list[tuple[str, str, str]] = []  # stored rows a bit replaces
    for e in edges:
        if _derivable(e) and e.src.id in columns:
            column, bit = q.OF_COLUMNS[e.dst.label]
            if columns[e.src.id][0][column] == e.dst.id:
                mask = masks.setdefault(e.src.id, [0, 0])
                if not e.properties:  # the plain edge its own column names: one bit
                    mask[0], mask[1] = mask[0] | bit, mask[1] & ~bit
                    unstored.append((e.src.id, e.dst.label.value, e.dst.id))
                    continue
                mask[0], mask[1] = mask[0] & ~bit, mask[1] | bit
        row = (e.src.label.value, e.src.id, e.type.value, e.dst.label.value, e.dst.id)
        target = with_outcome if _OUTCOME in (e.src.label, e.dst.label) else plain
        target.append((*row, _dumps(e.properties)))
    if plain:
        db.executemany(q.UPSERT_EDGE, plain)
    if with_outcome:
        db.executemany(q.UPSERT_OUTCOME_EDGE, with_outcome)
    if masks:
        db.executemany(q.SET_OF_MASK, [(s, c, i) for i, (s, c) in masks.items()])
    if unstored:  # only rows that exist (an edge once written with properties): rare
        ids = json.dumps(list(dict.fromkeys(u[0] for u in unstored)))
        stored = {tuple(row) for row in db.execute(q.STORED_OF_OF_OUTCOMES, (ids,))}
        if stored:
            db.executemany(q.DELETE_STORED_OF, [u for u in unstored if u in stored])


def outcome_columns(
    db: sqlite3.Connection, ids: Sequence[str]
) -> dict[str, tuple[dict[str, str | None], int]]:
    """The reference columns and OF mask of those of ``ids`` that exist."""
    out: dict[str, tuple[dict[str, str | None], int]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 50_000):
        chunk = json.dumps(unique[start : start + 50_000])
        for oid, cmp, chn, aud, ast, mask in db.execute(q.OUTCOME_REFS, (chunk,)):
            cols = {"campaign_id": cmp, "channel_id": chn, "audience_id": aud, "asset_id": ast}
            out[oid] = (cols, int(mask))
    return out


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
        if all(v is not None for v in e.properties.values())
        else Edge(e.src, e.type, e.dst, {k: v for k, v in e.properties.items() if v is not None})
        for e in batch.edges
    ]
    return GraphBatch(nodes=nodes, edges=edges)


def _derivable(edge: Edge) -> bool:
    """An OF edge from an outcome to a label its columns can name."""
    return edge.type is RelType.OF and edge.src.label is _OUTCOME and edge.dst.label in q.OF_COLUMNS


def _dumps(props: dict[str, Any]) -> str:
    return json.dumps(props, separators=(",", ":")) if props else "{}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _outcome_row(node: Node) -> tuple[Any, ...]:
    p = node.properties
    return (
        node.id,
        p.get("date"),
        p.get("campaign_id"),
        p.get("channel_id"),
        p.get("audience_id"),
        p.get("asset_id"),
        *(_number(p.get(m)) for m in NUMERIC),
        _dumps(p),
    )
