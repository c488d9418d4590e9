"""Write accepted tables as batches: nodes in kind order, edges in bulk beside them.

Each batch is one transaction of ``batch_size`` nodes with the edges whose later end
(in write order) is one of them, so no edge ever waits for a later batch and a record
lands together with its edges: an outcome with its OF edges and the FROM edge that says
which source and line it came from. Edges go as :class:`~graph.models.EdgeRows`, a few
columns per type instead of an object per edge.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from graph.base import GraphStore
from graph.models import EdgeRows, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from ingest.records import KINDS
from ingest.validation import Table

Progress = Callable[[str, int, int], None]  # (stage, done, total)
# An edge group as columns: src ids, dst ids, properties (None: none on any edge).
_Columns = tuple[list[str], list[str], list[dict[str, Any]] | None]
_Key = tuple[Label, RelType, Label]
# The batch of each edge of a group led by its source alone, by the source id column it
# came from and the places of its label (a table's OF and FROM groups share its own ids).
_Places = dict[tuple[int, int], tuple[list[str], dict[str, int], list[int]]]


def write_tables(
    store: GraphStore,
    tables: Sequence[Table],
    run: NodeRef,
    batch_size: int,
    progress: Progress | None,
) -> list[Node]:
    """Write every record of ``tables`` with its edges and its FROM edge to ``run``;
    returns the nodes written (a record sent twice is one node: the last one sent)."""
    order = {kind: i for i, kind in enumerate(KINDS)}
    ordered = sorted(tables, key=lambda t: order[t.kind])
    nodes, position = _nodes(ordered)
    groups = _edges(ordered, run)
    batches = [
        GraphBatch(nodes=nodes[i : i + batch_size]) for i in range(0, len(nodes), batch_size)
    ]
    places: _Places = {}
    for (src, rel, dst), group in groups.items():
        src_at, dst_at = position.get(src, {}), position.get(dst, {})
        for b, rows in _split(group, src_at, dst_at, batch_size, places):
            batches[b].edge_rows.append(EdgeRows(src, rel, dst, *rows))
    total = sum(len(b) for b in batches)
    done = 0
    for batch in batches:
        store.write(batch)
        done += len(batch)
        if progress:
            progress("writing", done, total)
    return nodes


def _nodes(tables: Sequence[Table]) -> tuple[list[Node], dict[Label, dict[str, int]]]:
    """The nodes in write order (a record sent twice keeps its first place and its last
    properties) and each node's place, by label."""
    by_label: dict[Label, dict[str, dict[str, Any]]] = {}
    for t in tables:
        by_label.setdefault(t.label, {}).update(zip(t.ids, t.props, strict=True))
    nodes: list[Node] = []
    position: dict[Label, dict[str, int]] = {}
    for label, props in by_label.items():
        start = len(nodes)
        position[label] = {node_id: start + i for i, node_id in enumerate(props)}
        nodes.extend(Node(label, node_id, p) for node_id, p in props.items())
    return nodes, position


def _edges(tables: Sequence[Table], run: NodeRef) -> dict[_Key, _Columns]:
    """Every edge the tables' records make, as columns per type between two labels (an
    edge made twice is one edge, in its first place, with the last properties).

    A group fed by one reference column of one table whose ids are all different cannot
    hold an edge twice: its columns are the table's own (no tuple or dict per edge).
    """
    parts: dict[_Key, list[tuple[_Columns, bool]]] = {}
    for t in tables:
        me = t.label
        unique = len(set(t.ids)) == len(t.ids)
        for ref in t.references:
            key = (me, ref.rel, ref.label) if ref.outgoing else (ref.label, ref.rel, me)
            column = t.refs[ref.field]
            if ref.many:
                pairs = [(i, x) for i, targets in zip(t.ids, column, strict=True) for x in targets]
                ids, targets = [i for i, _ in pairs], [x for _, x in pairs]
            elif None in column:
                kept = [(i, x) for i, x in zip(t.ids, column, strict=True) if x is not None]
                ids, targets = [i for i, _ in kept], [x for _, x in kept]
            else:
                ids, targets = t.ids, column
            cols = (ids, targets, None) if ref.outgoing else (targets, ids, None)
            parts.setdefault(key, []).append((cols, unique and not ref.many))
        # Where the record came from: which source, which line.
        source = t.source_id
        lines = [{"source": source, "line": line} for line in t.lines]
        from_run = (t.ids, [run.id] * len(t.ids), lines)
        parts.setdefault((me, RelType.FROM, run.label), []).append((from_run, unique))
    groups: dict[_Key, _Columns] = {}
    for key, fed in parts.items():
        if len(fed) == 1 and fed[0][1]:
            groups[key] = fed[0][0]
            continue
        merged: dict[tuple[str, str], dict[str, Any] | None] = {}
        for (src, dst, props), _ in fed:
            if props is None:
                merged.update(((s, d), None) for s, d in zip(src, dst, strict=True))
            else:
                merged.update(zip(zip(src, dst, strict=True), props, strict=True))
        values = list(merged.values())
        with_props = any(p is not None for p in values)
        groups[key] = (
            [s for s, _ in merged],
            [d for _, d in merged],
            [p or {} for p in values] if with_props else None,
        )
    return groups


def _split(
    group: _Columns,
    src_at: dict[str, int],
    dst_at: dict[str, int],
    batch_size: int,
    places: _Places | None = None,
) -> list[tuple[int, _Columns]]:
    """The group's edges by the batch of their later end (an end outside the ingest
    exists already); each part as src ids, dst ids and properties (None: none).
    ``places`` keeps the batches of a source column for the next group of the same
    column (computed once for a table's four OF groups and its FROM group)."""
    srcs, dsts, props = group
    if not srcs:
        return []
    dst_batch = {d: dst_at.get(d, -1) for d in set(dsts)}
    if all(b < 0 for b in dst_batch.values()):  # edges to nodes outside the ingest
        key = (id(srcs), id(src_at))
        known = None if places is None else places.get(key)
        if known is not None and known[0] is srcs and known[1] is src_at:
            at = known[2]
        else:
            at = [src_at.get(s, -1) // batch_size for s in srcs]
            if places is not None:  # both kept with their batches: their ids stay their own
                places[key] = (srcs, src_at, at)
    else:
        at = [
            max(src_at.get(s, -1), dst_batch[d]) // batch_size
            for s, d in zip(srcs, dsts, strict=True)
        ]
    # Usually each edge follows its record, in record order: the batches are slices.
    if all(a <= b for a, b in itertools.pairwise(at)):
        bounds = [i for i in range(1, len(at)) if at[i] != at[i - 1]]
        return [
            (at[lo], (srcs[lo:hi], dsts[lo:hi], None if props is None else props[lo:hi]))
            for lo, hi in zip([0, *bounds], [*bounds, len(at)], strict=True)
        ]
    parts: dict[int, tuple[list[str], list[str], list[dict[str, Any]]]] = {}
    for i, b in enumerate(at):
        part = parts.get(b)
        if part is None:
            part = parts[b] = ([], [], [])
        part[0].append(srcs[i])
        part[1].append(dsts[i])
        if props is not None:
            part[2].append(props[i])
    return [(b, (s, d, None if props is None else p)) for b, (s, d, p) in parts.items()]
