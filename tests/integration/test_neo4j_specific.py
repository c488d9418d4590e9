"""What only the Neo4j backend has: server errors, statement chunking, schema DDL, plans.

The shared behaviour is in ``test_graph_contract.py``; these tests cover how the Neo4j
store gets there (and fails) on a real server.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

import migrations
from graph import (
    ConstraintViolationError,
    DanglingReferenceError,
    Edge,
    GraphBatch,
    GraphError,
    GraphUnavailableError,
    Label,
    Migration,
    Node,
    NodeRef,
    RelType,
)
from tests.conftest import Neo4jConnection, clear_neo4j, open_neo4j_store

neo4j_queries = pytest.importorskip("graph.neo4j.queries")
from graph.neo4j import Neo4jGraphStore  # noqa: E402

L, R = Label, RelType


@pytest.fixture
def neo4j_store(neo4j_connection: Neo4jConnection) -> Iterator[Neo4jGraphStore]:
    """A migrated, empty Neo4j store."""
    store = open_neo4j_store(neo4j_connection)
    try:
        clear_neo4j(store)
        migrations.apply_pending(store)
        yield store
    finally:
        store.close()


def node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def ref(label: Label, node_id: str) -> NodeRef:
    return NodeRef(label=label, id=node_id)


def plan_operators(store: Neo4jGraphStore, query: str, **params: Any) -> set[str]:
    """Operator names of the plan Neo4j chooses for ``query`` (via EXPLAIN)."""
    result = store._driver.execute_query("EXPLAIN " + query, params)
    found: set[str] = set()

    def walk(plan: dict[str, Any]) -> None:
        found.add(plan["operatorType"].split("@")[0])
        for child in plan.get("children", []):
            walk(child)

    walk(result.summary.plan)
    return found


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- no server ------------------------------------------------------------------------------
def test_an_unreachable_server_is_unavailable_and_named() -> None:
    uri = f"bolt://127.0.0.1:{closed_port()}"
    store = Neo4jGraphStore(uri, retry_seconds=0)
    try:
        with pytest.raises(GraphUnavailableError, match=uri):
            store.ping()
        with pytest.raises(GraphUnavailableError) as info:
            store.count()
        assert info.value.__cause__ is not None
        with pytest.raises(GraphUnavailableError):
            store.write(GraphBatch(nodes=[node(L.BRAND, "b1")]))
    finally:
        store.close()


def test_only_bolt_and_neo4j_uris_are_accepted() -> None:
    with pytest.raises(GraphUnavailableError, match="scheme"):
        Neo4jGraphStore("http://127.0.0.1:7474")


# -- server ---------------------------------------------------------------------------------
needs_server = pytest.mark.neo4j


@needs_server
def test_ping_answers_until_the_store_is_closed(neo4j_connection: Neo4jConnection) -> None:
    store = open_neo4j_store(neo4j_connection)
    assert store.ping() is None
    store.close()
    with pytest.raises(GraphUnavailableError):
        store.ping()


@needs_server
def test_a_batch_of_many_statements_is_still_one_transaction(
    neo4j_store: Neo4jGraphStore, neo4j_connection: Neo4jConnection
) -> None:
    # Two rows per statement: the batch below is several statements of one transaction.
    small = Neo4jGraphStore(neo4j_connection.uri, chunk_rows=2)
    campaigns = [node(L.CAMPAIGN, f"c{i}") for i in range(7)]
    brand = ref(L.BRAND, "b1")
    edges = [Edge(src=brand, type=R.RUNS, dst=c.ref) for c in campaigns]
    ghost = Edge(src=brand, type=R.RUNS, dst=ref(L.CAMPAIGN, "ghost"))
    try:
        with pytest.raises(DanglingReferenceError) as info:
            small.write(GraphBatch(nodes=[node(L.BRAND, "b1"), *campaigns], edges=[*edges, ghost]))

        assert info.value.missing == [("Campaign", "ghost")]
        assert neo4j_store.count() == len(migrations.load_migrations())  # Migration nodes only
        assert neo4j_store.count_edges() == 0

        small.write(GraphBatch(nodes=[node(L.BRAND, "b1"), *campaigns], edges=edges))
        assert neo4j_store.count(L.CAMPAIGN) == 7
        assert neo4j_store.count_edges(R.RUNS) == 7
    finally:
        small.close()


@needs_server
def test_a_uniqueness_constraint_refusal_is_translated(neo4j_store: Neo4jGraphStore) -> None:
    migration = Migration(
        "9901_test_unique_slug", "0" * 64, "test", unique=[(L.EXPERIMENT, "slug")]
    )
    neo4j_store.apply_migration(migration)
    try:
        neo4j_store.write(GraphBatch(nodes=[node(L.EXPERIMENT, "e1", slug="ab")]))

        with pytest.raises(ConstraintViolationError) as info:
            neo4j_store.write(
                GraphBatch(nodes=[node(L.BRAND, "b1"), node(L.EXPERIMENT, "e2", slug="ab")])
            )

        assert "slug" in str(info.value)
        assert neo4j_store.get_node(ref(L.BRAND, "b1")) is None
        assert neo4j_store.existing_ids(L.EXPERIMENT, ["e1", "e2"]) == {"e1"}
    finally:
        neo4j_store._driver.execute_query("DROP CONSTRAINT uq_Experiment_slug IF EXISTS")


@needs_server
def test_migrations_create_named_constraints_and_indexes_idempotently(
    neo4j_store: Neo4jGraphStore,
) -> None:
    def schema() -> tuple[set[str], set[str]]:
        run = neo4j_store._driver.execute_query
        constraints = {r["name"] for r in run("SHOW CONSTRAINTS YIELD name").records}
        indexes = {r["name"] for r in run("SHOW INDEXES YIELD name").records}
        return constraints, indexes

    constraints, indexes = schema()
    assert {f"uq_{label.value}_id" for label in Label} <= constraints
    assert {"ix_Outcome_date", "ix_Outcome_campaign_id_date", "ix_Decision_created_at"} <= indexes
    assert set(neo4j_store.applied_migrations()) == {m.id for m in migrations.load_migrations()}

    for migration in migrations.load_migrations():  # again: no error, nothing new
        neo4j_store.apply_migration(migration)
    assert schema() == (constraints, indexes)
    assert neo4j_store.count(L.MIGRATION) == len(migrations.load_migrations())


@needs_server
def test_lookups_by_id_use_indexes_never_a_label_less_scan(neo4j_store: Neo4jGraphStore) -> None:
    q = neo4j_queries
    for query, params in [
        (q.LABELS_OF_ID, {"id": "x"}),
        (q.get_nodes(L.CAMPAIGN), {"ids": ["x"]}),
        (q.existing_ids(L.OUTCOME), {"ids": ["x"]}),
        (q.incident_edges([L.CHANNEL], None, None), {"ids0": ["x"], "limit": 10}),
        (q.incident_edges([L.CAMPAIGN], [R.ON], [R.RUNS]), {"ids0": ["x"], "limit": 10}),
        (q.merge_edges(L.OUTCOME, R.OF, L.CAMPAIGN), {"rows": []}),
    ]:
        operators = plan_operators(neo4j_store, query, **params)
        assert "AllNodesScan" not in operators, query
        assert "NodeByLabelScan" not in operators, query
        assert any(op.startswith(("NodeUniqueIndexSeek", "NodeIndexSeek")) for op in operators), (
            query
        )


@needs_server
def test_a_value_neo4j_cannot_store_is_refused_and_nothing_lands(
    neo4j_store: Neo4jGraphStore,
) -> None:
    # Maps are not property values in Neo4j (clean_properties turns them into JSON first).
    with pytest.raises(GraphError):
        neo4j_store.write(
            GraphBatch(nodes=[node(L.BRAND, "b1"), node(L.BRAND, "b2", meta={"a": 1})])
        )

    assert neo4j_store.existing_ids(L.BRAND, ["b1", "b2"]) == set()
