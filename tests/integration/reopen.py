"""Open another instance of a test's graph store: a second process's view of the same data."""

from __future__ import annotations

import pytest

from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from tests.conftest import Neo4jConnection, open_neo4j_store


def reopen(store: GraphStore, request: pytest.FixtureRequest) -> GraphStore:
    """A new store on the same data (embedded: the SQLite file again; Neo4j: a new driver)."""
    if isinstance(store, EmbeddedGraphStore):
        return EmbeddedGraphStore(store.path)
    connection: Neo4jConnection = request.getfixturevalue("neo4j_connection")
    return open_neo4j_store(connection)


def connection_env(store: GraphStore, request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment variables that point a ``marketgraph`` subprocess at the same graph."""
    if isinstance(store, EmbeddedGraphStore):
        return {"MARKETGRAPH_DATA_DIR": str(store.path.parent)}
    connection: Neo4jConnection = request.getfixturevalue("neo4j_connection")
    env = {"MARKETGRAPH_NEO4J_URI": connection.uri}
    for name, value in (
        ("USER", connection.user),
        ("PASSWORD", connection.password),
        ("DATABASE", connection.database),
    ):
        if value:
            env[f"MARKETGRAPH_NEO4J_{name}"] = value
    return env
