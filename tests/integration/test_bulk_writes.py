"""Bulk writes: a batch large enough for the Neo4j writer to create its new nodes (rather
than merge them) leaves the same graph as a small one that merges, on both backends;
on Neo4j, a writer that finds one of "its new" nodes created meanwhile writes the batch
again by merging, and a lineage walk in one transaction answers as step by step.
"""

from __future__ import annotations

import threading
import time

import pytest
from neo4j import Driver, GraphDatabase

import graph.neo4j.writes as w
from graph.base import GraphStore
from graph.lineage import WalkBudget
from graph.models import Edge, EdgeRows, GraphBatch, Node, NodeRef
from graph.neo4j import Neo4jGraphStore
from graph.schema import Label, RelType
from tests.conftest import Neo4jConnection

ROWS = w.CREATE_MIN_ROWS + 100


def _world(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            nodes=[
                Node(Label.BRAND, "b1", {"id": "b1", "name": "B"}),
                Node(Label.CAMPAIGN, "c1", {"id": "c1", "brand_id": "b1"}),
                Node(Label.CHANNEL, "h1", {"id": "h1"}),
                Node(Label.INGEST_RUN, "run1", {"id": "run1", "status": "running"}),
            ],
            edges=[Edge(NodeRef(Label.BRAND, "b1"), RelType.RUNS, NodeRef(Label.CAMPAIGN, "c1"))],
        )
    )


def _outcomes(ids: range, spend: float) -> GraphBatch:
    """Outcomes with an OF edge to the campaign and the channel and a FROM edge (with its
    line) to the run, as the ingest pipeline writes them."""
    names = [f"o{i:05d}" for i in ids]
    nodes = [
        Node(Label.OUTCOME, n, {"id": n, "campaign_id": "c1", "channel_id": "h1", "spend": spend})
        for n in names
    ]
    count = len(names)
    return GraphBatch(
        nodes=nodes,
        edge_rows=[
            EdgeRows(Label.OUTCOME, RelType.OF, Label.CAMPAIGN, names, ["c1"] * count),
            EdgeRows(Label.OUTCOME, RelType.OF, Label.CHANNEL, names, ["h1"] * count),
            EdgeRows(
                Label.OUTCOME,
                RelType.FROM,
                Label.INGEST_RUN,
                names,
                ["run1"] * count,
                [{"source": "s1", "line": i} for i in ids],
            ),
        ],
    )


def test_a_bulk_batch_over_stored_and_new_nodes_leaves_each_node_and_edge_once(
    graph_store: GraphStore,
) -> None:
    _world(graph_store)
    graph_store.write(_outcomes(range(0, ROWS // 2), spend=1.0))  # half of them stored first
    graph_store.write(_outcomes(range(0, ROWS), spend=2.0))
    graph_store.write(_outcomes(range(0, ROWS), spend=3.0))  # all stored: the same again

    assert graph_store.count(Label.OUTCOME) == ROWS
    assert graph_store.count_edges(RelType.OF) == 2 * ROWS
    assert graph_store.count_edges(RelType.FROM) == ROWS
    assert graph_store.count(Label.OUTCOME, {"spend": 3.0}) == ROWS
    last = NodeRef(Label.OUTCOME, f"o{ROWS - 1:05d}")
    edges = graph_store.incident_edges([last], 10)
    assert sorted((e.type.value, e.dst.id) for e in edges) == [
        ("FROM", "run1"),
        ("OF", "c1"),
        ("OF", "h1"),
    ]
    (from_run,) = [e for e in edges if e.type is RelType.FROM]
    assert from_run.properties == {"source": "s1", "line": ROWS - 1}


def test_a_bulk_batch_with_a_missing_end_writes_nothing(graph_store: GraphStore) -> None:
    _world(graph_store)
    batch = _outcomes(range(0, ROWS), spend=1.0)
    batch.edge_rows[1].dst_ids[-1] = "h-missing"
    with pytest.raises(Exception, match="h-missing"):
        graph_store.write(batch)
    assert graph_store.count(Label.OUTCOME) == 0
    assert graph_store.count_edges(RelType.OF) == 0


@pytest.mark.neo4j
def test_a_node_created_by_another_writer_meanwhile_is_merged(
    neo4j_store: Neo4jGraphStore, neo4j_connection: Neo4jConnection
) -> None:
    """A real race: another writer creates ten of the batch's ids in a transaction it has
    not committed yet. Our write finds them missing (they are not visible), tries to create
    them, waits on the uniqueness constraint until the other commits, fails on it, and
    writes the batch again by merging."""
    _world(neo4j_store)
    user, password = neo4j_connection.user, neo4j_connection.password or ""
    other = GraphDatabase.driver(neo4j_connection.uri, auth=(user, password) if user else None)
    outcome: dict[str, BaseException] = {}

    def write() -> None:
        try:
            neo4j_store.write(_outcomes(range(0, ROWS), spend=2.0))
        except BaseException as e:  # reported by the assertion below
            outcome["error"] = e

    try:
        with other.session(database=neo4j_connection.database) as session:
            tx = session.begin_transaction()
            tx.run(
                "UNWIND $ids AS id CREATE (:Outcome {id: id, spend: 1.0})",
                ids=[f"o{i:05d}" for i in range(10)],
            )
            writer = threading.Thread(target=write)
            writer.start()
            assert _blocked_transaction(other, neo4j_connection.database), (
                "our write never waited on the other writer's uncommitted nodes"
            )
            tx.commit()
            writer.join(timeout=120)
    finally:
        other.close()

    assert not writer.is_alive() and "error" not in outcome, outcome
    assert neo4j_store.count(Label.OUTCOME) == ROWS
    assert neo4j_store.count_edges(RelType.OF) == 2 * ROWS
    assert neo4j_store.count_edges(RelType.FROM) == ROWS
    assert neo4j_store.count(Label.OUTCOME, {"spend": 2.0}) == ROWS


def _blocked_transaction(driver: Driver, database: str | None, seconds: float = 60) -> bool:
    """Whether a transaction of the server shows as blocked by another within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD status RETURN status", database_=database
        )
        if any(str(r["status"]).startswith("Blocked") for r in records):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.neo4j
def test_a_walk_in_one_transaction_answers_as_the_walk_step_by_step(
    neo4j_store: Neo4jGraphStore,
) -> None:
    _world(neo4j_store)
    neo4j_store.write(_outcomes(range(0, 20), spend=1.0))
    root = NodeRef(Label.OUTCOME, "o00003")
    one = neo4j_store.get_lineage(root, "up", 3)
    # A deadline makes each step a transaction of its own (the server ends it at the deadline).
    steps = neo4j_store.get_lineage(root, "up", 3, budget=WalkBudget(500, 2_000, 60.0))
    assert [n.ref for n in one.nodes] == [n.ref for n in steps.nodes]
    assert {(e.src, e.type, e.dst) for e in one.edges} == {
        (e.src, e.type, e.dst) for e in steps.edges
    }
    assert {n.id for n in one.nodes} == {"o00003", "c1", "h1", "run1", "b1"}
    small = neo4j_store.get_lineage(root, "up", 3, limit=2)
    assert small.truncated and small.truncated_reason == "nodes" and len(small.nodes) == 2
