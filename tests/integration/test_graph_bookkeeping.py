"""Contract: the bookkeeping primitives agents build on (find, compare-and-set, outcome keys).

Run on both backends through ``graph_store``; the race test uses real threads against the
real store, so a backend whose compare-and-set is not atomic lets two claims through.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest

from graph import (
    AppendOnlyViolationError,
    DecisionRecord,
    Edge,
    GraphBatch,
    GraphStore,
    Label,
    Node,
    NodeRef,
    OutcomeQuery,
    RelType,
)
from graph.errors import InvalidVocabularyError
from graph.models import OutcomeKey


def _node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def _tasks(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            nodes=[
                _node(Label.TASK, "t1", status="pending", plan_id="p1", attempt=0),
                _node(Label.TASK, "t2", status="done", plan_id="p1", attempt=1),
                _node(Label.TASK, "t3", status="pending", plan_id="p2", attempt=0, urgent=True),
                _node(Label.EVENT, "t4", status="pending"),  # same property, other label
            ]
        )
    )


def test_find_nodes_matches_every_condition_and_orders_by_id(graph_store: GraphStore) -> None:
    _tasks(graph_store)
    pending = graph_store.find_nodes(Label.TASK, {"status": "pending"})
    assert [n.id for n in pending] == ["t1", "t3"]
    both = graph_store.find_nodes(Label.TASK, {"status": "pending", "plan_id": "p1"})
    assert [n.id for n in both] == ["t1"]
    assert [n.id for n in graph_store.find_nodes(Label.TASK, {"attempt": 1})] == ["t2"]
    assert [n.id for n in graph_store.find_nodes(Label.TASK, {"urgent": True})] == ["t3"]
    assert graph_store.find_nodes(Label.TASK, {"status": "running"}) == []
    assert [n.id for n in graph_store.find_nodes(Label.TASK, {}, limit=2)] == ["t1", "t2"]
    assert pending[0].properties["plan_id"] == "p1"


def test_find_nodes_refuses_a_property_name_that_is_not_an_identifier(
    graph_store: GraphStore,
) -> None:
    with pytest.raises(InvalidVocabularyError):
        graph_store.find_nodes(Label.TASK, {"status') OR 1=1 --": "x"})


def test_update_if_sets_only_when_the_expectation_holds(graph_store: GraphStore) -> None:
    _tasks(graph_store)
    t1 = NodeRef(label=Label.TASK, id="t1")
    claimed = graph_store.update_if(
        t1, {"status": "pending", "owner": None}, {"status": "running", "owner": "w1"}
    )
    assert claimed is not None
    assert claimed.properties["status"] == "running"
    assert claimed.properties["plan_id"] == "p1"  # other properties kept
    # The same claim again fails: the node no longer matches.
    assert graph_store.update_if(t1, {"status": "pending"}, {"status": "running"}) is None
    # A None in changes removes a property.
    released = graph_store.update_if(t1, {"owner": "w1"}, {"owner": None, "status": "done"})
    assert released is not None
    stored = graph_store.get_node(t1)
    assert stored is not None
    assert "owner" not in stored.properties
    assert stored.properties["status"] == "done"
    assert graph_store.update_if(NodeRef(label=Label.TASK, id="absent"), {}, {"x": 1}) is None


def test_update_if_refuses_append_only_nodes(graph_store: GraphStore) -> None:
    decision = DecisionRecord(
        kind="test", agent="tester", rationale="r", algorithm="a", algorithm_version="1"
    )
    graph_store.record_decision(decision)
    ref = NodeRef(label=Label.DECISION, id=decision.id)
    with pytest.raises(AppendOnlyViolationError):
        graph_store.update_if(ref, {}, {"rationale": "rewritten"})
    stored = graph_store.get_node(ref)
    assert stored is not None
    assert stored.properties["rationale"] == "r"


def test_update_if_lets_exactly_one_of_racing_claims_through(graph_store: GraphStore) -> None:
    rounds, workers = 8, 4
    graph_store.write(
        GraphBatch(nodes=[_node(Label.TASK, f"race{i}", status="pending") for i in range(rounds)])
    )
    wins: list[tuple[int, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def claim(worker: int) -> None:
        for i in range(rounds):
            barrier.wait()
            ref = NodeRef(label=Label.TASK, id=f"race{i}")
            got = graph_store.update_if(
                ref, {"status": "pending"}, {"status": "running", "by": worker}
            )
            if got is not None:
                with lock:
                    wins.append((i, worker))

    threads = [threading.Thread(target=claim, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i for i, _ in wins) == list(range(rounds))
    for i, worker in wins:
        stored = graph_store.get_node(NodeRef(label=Label.TASK, id=f"race{i}"))
        assert stored is not None
        assert stored.properties["by"] == worker


def _outcomes(store: GraphStore) -> None:
    nodes = [
        _node(Label.BRAND, "b1"),
        _node(Label.BRAND, "b2"),
        _node(Label.CAMPAIGN, "c1"),
        _node(Label.CAMPAIGN, "c2"),
        _node(Label.CHANNEL, "ch1"),
        _node(Label.AUDIENCE, "a1"),
        _node(Label.AUDIENCE, "a2"),
    ]
    rows = [
        ("o3", "2024-01-03", "c1", "ch1", "a2"),
        ("o1", "2024-01-01", "c1", "ch1", "a1"),
        ("o2", "2024-01-02", "c1", "ch1", "a1"),
        ("o4", "2024-01-02", "c2", "ch1", "a1"),
    ]
    for oid, day, campaign, channel, audience in rows:
        nodes.append(
            _node(
                Label.OUTCOME,
                oid,
                date=day,
                campaign_id=campaign,
                channel_id=channel,
                audience_id=audience,
                spend=1.0,
            )
        )
    edges = [
        Edge(
            src=NodeRef(label=Label.BRAND, id="b1"),
            type=RelType.RUNS,
            dst=NodeRef(label=Label.CAMPAIGN, id="c1"),
        ),
        Edge(
            src=NodeRef(label=Label.BRAND, id="b2"),
            type=RelType.RUNS,
            dst=NodeRef(label=Label.CAMPAIGN, id="c2"),
        ),
    ]
    store.write(GraphBatch(nodes=nodes, edges=edges))


def test_outcome_keys_follow_the_filters(graph_store: GraphStore) -> None:
    _outcomes(graph_store)
    every = graph_store.outcome_keys(OutcomeQuery())
    assert [k.id for k in every] == ["o1", "o2", "o3", "o4"]
    assert every[2] == OutcomeKey("o3", "c1", "ch1", "a2", "2024-01-03")
    brand = graph_store.outcome_keys(OutcomeQuery(brand_id="b1", start=date(2024, 1, 2)))
    assert [k.id for k in brand] == ["o2", "o3"]
    audience = graph_store.outcome_keys(OutcomeQuery(audience_ids=["a1"], end=date(2024, 1, 2)))
    assert [k.id for k in audience] == ["o1", "o2", "o4"]
    assert graph_store.outcome_keys(OutcomeQuery(brand_id="nobody")) == []
