"""Edges written in bulk (``GraphBatch.edge_rows``) mean what the same single edges mean.

Both backends; the embedded one keeps an outcome's OF edges and the FROM edge of its first
run in the outcome's row, so these tests also pin down that such edges read, count,
rewrite and delete exactly like stored ones.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph import (
    DanglingReferenceError,
    Edge,
    EdgeRows,
    GraphBatch,
    GraphStore,
    Label,
    Node,
    NodeRef,
    RelType,
)
from graph.embedded import EmbeddedGraphStore
from migrations import apply_pending

L, R = Label, RelType


def node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def outcome(oid: str, campaign: str = "c1", channel: str = "ch1", spend: float = 1.0) -> Node:
    props = {"date": "2026-03-01", "campaign_id": campaign, "channel_id": channel, "spend": spend}
    return node(L.OUTCOME, oid, **props)


def dimensions() -> GraphBatch:
    return GraphBatch(
        nodes=[
            node(L.CAMPAIGN, "c1"),
            node(L.CAMPAIGN, "c2"),
            node(L.CHANNEL, "ch1"),
            node(L.INGEST_RUN, "run1"),
            node(L.INGEST_RUN, "run2"),
        ]
    )


def outcome_batch(run: str, ids: list[str], campaign: str = "c1", *, bulk: bool) -> GraphBatch:
    """Outcomes with OF edges to their campaign and channel and a FROM edge to ``run``."""
    nodes = [outcome(i, campaign) for i in ids]
    lines = [{"source": "sha256:x", "line": n} for n, _ in enumerate(ids, start=1)]
    groups = [
        EdgeRows(L.OUTCOME, R.OF, L.CAMPAIGN, ids, [campaign] * len(ids)),
        EdgeRows(L.OUTCOME, R.OF, L.CHANNEL, ids, ["ch1"] * len(ids)),
        EdgeRows(L.OUTCOME, R.FROM, L.INGEST_RUN, ids, [run] * len(ids), lines),
    ]
    if bulk:
        return GraphBatch(nodes=nodes, edge_rows=groups)
    return GraphBatch(nodes=nodes, edges=[e for g in groups for e in g.edges()])


def edges_of(store: GraphStore, ref: NodeRef) -> list[tuple[str, str, str, str, Any]]:
    return sorted(
        (e.src.id, e.type.value, e.dst.label.value, e.dst.id, sorted(e.properties.items()))
        for e in store.incident_edges([ref], 100)
    )


@pytest.mark.parametrize("bulk", [True, False])
def test_edge_rows_read_and_count_like_single_edges(graph_store: GraphStore, bulk: bool) -> None:
    graph_store.write(dimensions())

    result = graph_store.write(outcome_batch("run1", ["o1", "o2"], bulk=bulk))

    assert (result.nodes, result.edges) == (2, 6)
    assert graph_store.count_edges(R.OF) == 4
    assert graph_store.count_edges(R.FROM) == 2
    assert graph_store.count_edges() == 6
    assert edges_of(graph_store, NodeRef(L.OUTCOME, "o2")) == [
        ("o2", "FROM", "IngestRun", "run1", [("line", 2), ("source", "sha256:x")]),
        ("o2", "OF", "Campaign", "c1", []),
        ("o2", "OF", "Channel", "ch1", []),
    ]
    into_run = graph_store.incident_edges([NodeRef(L.INGEST_RUN, "run1")], 100)
    assert [(e.src.id, e.properties["line"]) for e in into_run] == [("o1", 1), ("o2", 2)]


def test_a_second_run_adds_its_own_from_edges(graph_store: GraphStore) -> None:
    graph_store.write(dimensions())
    graph_store.write(outcome_batch("run1", ["o1", "o2"], bulk=True))

    graph_store.write(outcome_batch("run2", ["o2", "o3"], bulk=True))
    graph_store.write(outcome_batch("run2", ["o2", "o3"], bulk=True))  # again: nothing new

    assert graph_store.count_edges(R.FROM) == 4
    runs = {e.dst.id for e in graph_store.incident_edges([NodeRef(L.OUTCOME, "o2")], 100)}
    assert runs == {"run1", "run2", "c1", "ch1"}
    into_run2 = graph_store.incident_edges([NodeRef(L.INGEST_RUN, "run2")], 100)
    assert [e.src.id for e in into_run2] == ["o2", "o3"]
    assert graph_store.delete_nodes([NodeRef(L.INGEST_RUN, "run1")]) == 1
    assert graph_store.count_edges(R.FROM) == 2
    assert graph_store.incident_edges([NodeRef(L.INGEST_RUN, "run1")], 100) == []


def test_rewriting_an_outcome_to_another_campaign_keeps_its_old_edge(
    graph_store: GraphStore,
) -> None:
    graph_store.write(dimensions())
    graph_store.write(outcome_batch("run1", ["o1"], bulk=True))

    graph_store.write(outcome_batch("run1", ["o1"], campaign="c2", bulk=True))

    campaigns = {
        e.dst.id
        for e in graph_store.incident_edges([NodeRef(L.OUTCOME, "o1")], 100)
        if e.dst.label is L.CAMPAIGN
    }
    assert campaigns == {"c1", "c2"}
    assert graph_store.count_edges(R.OF) == 3
    assert graph_store.count_edges(R.FROM) == 1


def test_a_row_to_a_missing_node_writes_nothing(graph_store: GraphStore) -> None:
    graph_store.write(dimensions())
    batch = outcome_batch("run1", ["o1", "o2"], bulk=True)
    batch.edge_rows.append(EdgeRows(L.OUTCOME, R.OF, L.CAMPAIGN, ["o2"], ["c_ghost"]))

    with pytest.raises(DanglingReferenceError) as info:
        graph_store.write(batch)

    assert info.value.missing == [("Campaign", "c_ghost")]
    assert graph_store.count(L.OUTCOME) == 0
    assert graph_store.count_edges() == 0


def test_edge_rows_between_other_nodes_reach_lineage(graph_store: GraphStore) -> None:
    graph_store.write(dimensions())
    rows = EdgeRows(L.CAMPAIGN, R.FROM, L.INGEST_RUN, ["c1", "c2"], ["run1", "run1"], None)

    graph_store.write(GraphBatch(edge_rows=[rows]))

    up = graph_store.get_lineage(NodeRef(L.CAMPAIGN, "c2"), "up", depth=1)
    assert {(n.label, n.id) for n in up.nodes} == {(L.CAMPAIGN, "c2"), (L.INGEST_RUN, "run1")}
    assert graph_store.count_edges(R.FROM) == 2


def test_unequal_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="unequal"):
        EdgeRows(L.OUTCOME, R.OF, L.CAMPAIGN, ["o1", "o2"], ["c1"])


def test_a_data_dir_from_before_derived_from_edges_still_reads(tmp_path: Path) -> None:
    """An outcomes table without the FROM columns, its FROM edges stored as rows."""
    path = tmp_path / "graph.sqlite"
    store = EmbeddedGraphStore(path)
    apply_pending(store)
    store.write(dimensions())
    store.write(GraphBatch(nodes=[outcome("o1")]))
    store.close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX outcomes_by_run")
    db.execute("ALTER TABLE outcomes DROP COLUMN from_props")
    db.execute("ALTER TABLE outcomes DROP COLUMN from_run")
    db.execute(
        "INSERT INTO outcome_edges VALUES "
        "('Outcome', 'o1', 'FROM', 'IngestRun', 'run1', '{\"line\":7}')"
    )
    db.commit()
    db.close()

    store = EmbeddedGraphStore(path)
    try:
        assert store.count_edges(R.FROM) == 1
        # The same edge written again (a resumed run) is held by the row, never twice.
        frm = Edge(NodeRef(L.OUTCOME, "o1"), R.FROM, NodeRef(L.INGEST_RUN, "run1"), {"line": 8})
        store.write(GraphBatch(nodes=[outcome("o1", spend=2.0)], edges=[frm]))
        assert store.count_edges(R.FROM) == 1
        [edge] = store.incident_edges([NodeRef(L.INGEST_RUN, "run1")], 10)
        assert edge.properties == {"line": 8}
    finally:
        store.close()
