"""Conditional writes (compare-and-set) on both backends, including real races."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from graph.base import GraphStore
from graph.models import DecisionRecord, Edge, GraphBatch, Node, NodeRef, Precondition
from graph.schema import Label, RelType
from tests.integration.reopen import reopen

JOB = NodeRef(label=Label.OUTBOX_ENTRY, id="job-1")
CH = NodeRef(label=Label.CHANNEL, id="ch-1")


def node(ref: NodeRef, **props: object) -> Node:
    return Node(label=ref.label, id=ref.id, properties={"id": ref.id, **props})


def test_a_node_expected_absent_is_created_once(graph_store: GraphStore) -> None:
    first = GraphBatch(nodes=[node(JOB, owner="a")])
    second = GraphBatch(nodes=[node(JOB, owner="b")])

    assert graph_store.write_if(first, [Precondition(JOB)]) is True
    assert graph_store.write_if(second, [Precondition(JOB)]) is False

    stored = graph_store.require_node(JOB)
    assert stored.properties["owner"] == "a"


def test_compare_and_set_on_a_revision(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=[node(JOB, rev=1, status="pending")]))

    moved = graph_store.write_if(
        GraphBatch(nodes=[node(JOB, rev=2, status="delivering")]),
        [Precondition(JOB, {"rev": 1, "status": "pending"})],
    )
    stale = graph_store.write_if(
        GraphBatch(nodes=[node(JOB, rev=2, status="failed")]),
        [Precondition(JOB, {"rev": 1})],
    )

    assert (moved, stale) == (True, False)
    assert graph_store.require_node(JOB).properties == {
        "id": JOB.id,
        "rev": 2,
        "status": "delivering",
    }


def test_a_failed_precondition_writes_nothing_of_the_batch(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=[node(JOB, rev=5), node(CH, name="x")]))
    other = NodeRef(label=Label.LINE_STATE, id="line-1")
    batch = GraphBatch(
        nodes=[node(JOB, rev=6), node(other)],
        edges=[Edge(src=other, type=RelType.OF, dst=CH)],
    )

    assert graph_store.write_if(batch, [Precondition(JOB, {"rev": 4})]) is False

    assert graph_store.require_node(JOB).properties["rev"] == 5
    assert graph_store.get_node(other) is None
    assert graph_store.count_edges() == 0


def test_a_missing_node_fails_an_expectation_and_none_means_absent(graph_store: GraphStore) -> None:
    assert (
        graph_store.write_if(GraphBatch(nodes=[node(CH)]), [Precondition(JOB, {"rev": 1})]) is False
    )
    assert graph_store.get_node(CH) is None

    graph_store.write(GraphBatch(nodes=[node(JOB, rev=1)]))
    unleased = Precondition(JOB, {"rev": 1, "lease_owner": None})
    assert graph_store.write_if(GraphBatch(nodes=[node(JOB, rev=2, lease_owner="w")]), [unleased])
    again = Precondition(JOB, {"rev": 2, "lease_owner": None})
    assert not graph_store.write_if(GraphBatch(nodes=[node(JOB, rev=3)]), [again])


def test_every_precondition_must_hold(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=[node(JOB, rev=1)]))
    fresh = NodeRef(label=Label.EXECUTION, id="exe-1")
    batch = GraphBatch(nodes=[node(fresh), node(JOB, rev=2)])

    assert not graph_store.write_if(batch, [Precondition(fresh), Precondition(JOB, {"rev": 0})])
    assert graph_store.get_node(fresh) is None
    assert graph_store.write_if(batch, [Precondition(fresh), Precondition(JOB, {"rev": 1})])
    assert graph_store.require_node(JOB).properties["rev"] == 2


def test_an_append_only_node_can_be_created_once(graph_store: GraphStore) -> None:
    decision = DecisionRecord(
        kind="k", agent="a", rationale="r", algorithm="x", algorithm_version="1"
    ).node()

    assert graph_store.write_if(GraphBatch(nodes=[decision]), [Precondition(decision.ref)])
    assert not graph_store.write_if(GraphBatch(nodes=[decision]), [Precondition(decision.ref)])


def test_a_node_expected_absent_must_be_in_the_batch(graph_store: GraphStore) -> None:
    with pytest.raises(ValueError, match="must be created"):
        graph_store.write_if(GraphBatch(nodes=[node(CH)]), [Precondition(JOB)])


def _race(
    graph_store: GraphStore,
    request: pytest.FixtureRequest,
    attempt: Callable[[GraphStore, int], bool],
    writers: int = 6,
) -> list[int]:
    """Run ``attempt`` from ``writers`` threads, each on its own store instance, at once."""
    stores = [reopen(graph_store, request) for _ in range(writers)]
    start = threading.Barrier(writers)
    won: list[int] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            if attempt(stores[i], i):
                won.append(i)
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        for s in stores:
            s.close()
    assert not errors, errors
    return won


def test_racing_creators_have_exactly_one_winner(
    graph_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    def create(store: GraphStore, i: int) -> bool:
        return store.write_if(GraphBatch(nodes=[node(JOB, owner=i)]), [Precondition(JOB)])

    won = _race(graph_store, request, create)

    assert len(won) == 1
    assert graph_store.require_node(JOB).properties["owner"] == won[0]


def test_racing_compare_and_set_has_exactly_one_winner(
    graph_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    graph_store.write(GraphBatch(nodes=[node(JOB, rev=0)]))

    def claim(store: GraphStore, i: int) -> bool:
        batch = GraphBatch(nodes=[node(JOB, rev=1, owner=i)])
        return store.write_if(batch, [Precondition(JOB, {"rev": 0})])

    won = _race(graph_store, request, claim)

    assert len(won) == 1
    assert graph_store.require_node(JOB).properties == {"id": JOB.id, "rev": 1, "owner": won[0]}
