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
_Group = dict[tuple[str, str], dict[str, Any] | None]  # (src id, dst id) -> properties
_Key = tuple[Label, RelType, Label]


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
    for (src, rel, dst), group in groups.items():
        for b, rows in _split(group, position.get(src, {}), position.get(dst, {}), batch_size):
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


def _edges(tables: Sequence[Table], run: NodeRef) -> dict[_Key, _Group]:
    """Every edge the tables' records make, one dict per type between two labels (an edge
    made twice is one edge, with the last properties)."""
    groups: dict[_Key, _Group] = {}
    for t in tables:
        me = t.label
        for ref in t.references:
            out = ref.outgoing
            group = groups.setdefault(
                (me, ref.rel, ref.label) if out else (ref.label, ref.rel, me), {}
            )
            column = t.refs[ref.field]
            if ref.many:
                pairs = ((i, x) for i, targets in zip(t.ids, column, strict=True) for x in targets)
            else:
                pairs = ((i, x) for i, x in zip(t.ids, column, strict=True) if x is not None)
            group.update((((i, x) if out else (x, i)), None) for i, x in pairs)
        # Where the record came from: which source, which line.
        source = t.source_id
        group = groups.setdefault((me, RelType.FROM, run.label), {})
        group.update(
            ((i, run.id), {"source": source, "line": line})
            for i, line in zip(t.ids, t.lines, strict=True)
        )
    return groups


def _split(
    group: _Group, src_at: dict[str, int], dst_at: dict[str, int], batch_size: int
) -> list[tuple[int, tuple[list[str], list[str], list[dict[str, Any]] | None]]]:
    """The group's edges by the batch of their later end (an end outside the ingest
    exists already); each part as src ids, dst ids and properties (None: none)."""
    keys = list(group)
    if not keys:
        return []
    dst_batch = {d: dst_at.get(d, -1) for d in {d for _, d in keys}}
    at = [max(src_at.get(s, -1), dst_batch[d]) // batch_size for s, d in keys]
    props = list(group.values())
    with_props = any(p is not None for p in props)
    # Usually each edge follows its record, in record order: the batches are slices.
    if all(a <= b for a, b in itertools.pairwise(at)):
        bounds = [i for i in range(1, len(at)) if at[i] != at[i - 1]]
        out = []
        for lo, hi in zip([0, *bounds], [*bounds, len(at)], strict=True):
            part = keys[lo:hi]
            values = [p or {} for p in props[lo:hi]] if with_props else None
            out.append((at[lo], ([s for s, _ in part], [d for _, d in part], values)))
        return out
    parts: dict[int, tuple[list[str], list[str], list[dict[str, Any]]]] = {}
    for (s, d), b, p in zip(keys, at, props, strict=True):
        part_lists = parts.get(b)
        if part_lists is None:
            part_lists = parts[b] = ([], [], [])
        part_lists[0].append(s)
        part_lists[1].append(d)
        part_lists[2].append(p or {})
    return [(b, (s, d, p if with_props else None)) for b, (s, d, p) in parts.items()]
