"""Listing and deleting nodes, on both backends."""

from __future__ import annotations

import pytest

from graph.base import GraphStore
from graph.errors import AppendOnlyViolationError
from graph.models import DecisionRecord, Edge, Evidence, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType

B = NodeRef(label=Label.BRAND, id="b1")
C = NodeRef(label=Label.CAMPAIGN, id="c1")
CH = NodeRef(label=Label.CHANNEL, id="ch1")
OUT = NodeRef(label=Label.OUTCOME, id="2026-01-01|c1|ch1||")


def node(ref: NodeRef, **props: object) -> Node:
    return Node(label=ref.label, id=ref.id, properties={"id": ref.id, **props})


@pytest.fixture
def store(graph_store: GraphStore) -> GraphStore:
    outcome = node(OUT, date="2026-01-01", campaign_id="c1", channel_id="ch1", spend=1.0)
    graph_store.write(
        GraphBatch(
            nodes=[
                node(B),
                node(C),
                node(CH),
                outcome,
                node(NodeRef(label=Label.CAMPAIGN, id="c2")),
            ],
            edges=[
                Edge(src=B, type=RelType.RUNS, dst=C),
                Edge(src=C, type=RelType.ON, dst=CH),
                Edge(src=OUT, type=RelType.OF, dst=C),
                Edge(src=OUT, type=RelType.OF, dst=CH),
            ],
        )
    )
    return graph_store


def test_list_nodes_pages_in_id_order(store: GraphStore) -> None:
    assert [n.id for n in store.list_nodes(Label.CAMPAIGN)] == ["c1", "c2"]
    assert [n.id for n in store.list_nodes(Label.CAMPAIGN, limit=1, offset=1)] == ["c2"]
    assert [n.id for n in store.list_nodes(Label.OUTCOME)] == [OUT.id]
    assert store.list_nodes(Label.ALERT) == []


def test_deleting_a_node_removes_its_edges_both_ways(store: GraphStore) -> None:
    edges_before = store.count_edges()

    assert store.delete_nodes([C, NodeRef(label=Label.CAMPAIGN, id="absent")]) == 1

    assert store.get_node(C) is None
    assert store.count_edges() == edges_before - 3  # RUNS, ON, and the outcome's OF to c1
    assert store.incident_edges([OUT], 10) == [Edge(src=OUT, type=RelType.OF, dst=CH)]
    assert {e.type for e in store.incident_edges([B], 10)} == set()


def test_deleting_an_outcome(store: GraphStore) -> None:
    assert store.delete_nodes([OUT]) == 1
    assert store.get_node(OUT) is None
    assert store.count_edges(RelType.OF) == 0
    assert store.incident_edges([C], 10) == [
        Edge(src=C, type=RelType.ON, dst=CH),
        Edge(src=B, type=RelType.RUNS, dst=C),
    ]


def test_decisions_cannot_be_deleted(store: GraphStore) -> None:
    decision = DecisionRecord(
        kind="test",
        agent="tester",
        rationale="r",
        algorithm="none",
        algorithm_version="0",
        evidence=[Evidence(ref=C, score=1.0)],
    )
    store.record_decision(decision)
    ref = NodeRef(label=Label.DECISION, id=decision.id)

    with pytest.raises(AppendOnlyViolationError):
        store.delete_nodes([CH, ref])

    assert store.get_node(ref) is not None and store.get_node(CH) is not None
