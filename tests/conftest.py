"""Shared fixtures: blocked network/LLM access, the Neo4j test server and the graph stores.

Graph contract tests take ``graph_store``, which runs each test once per backend: the
embedded store on a fresh SQLite file, and Neo4j (a server started once per session, or
the one named by ``MARKETGRAPH_NEO4J_URI``) with every node deleted first. Both are
migrated before the test and closed after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import migrations
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore

if TYPE_CHECKING:
    from graph.neo4j import Neo4jGraphStore

ROOT = Path(__file__).resolve().parents[1]
# The demo data set ends on the generator's own calendar in the tests, whose figures are
# fixed (the product's default is yesterday; tests of that pass their own end).
os.environ.setdefault("MARKETGRAPH_DEMO_END", "2026-11-30")
TESTS = Path(__file__).resolve().parent

NEO4J_HOWTO = (
    "Neo4j tests need Java 17 + Maven (or MARKETGRAPH_NEO4J_URI); run `make test` "
    "(or scripts/build-neo4j-launcher once) to build the test launcher"
)


# -- markers -------------------------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by folder (``unit`` / ``integration``) on top of their explicit markers."""
    for item in items:
        path = Path(str(item.path))
        if path.is_relative_to(TESTS / "unit"):
            item.add_marker(pytest.mark.unit)
        elif path.is_relative_to(TESTS / "integration"):
            item.add_marker(pytest.mark.integration)


# -- no real LLM or network calls ----------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _no_llm_credentials() -> Iterator[None]:
    """Remove the OpenAI key so nothing can reach a real model during the tests."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("OPENAI_API_KEY", raising=False)
        yield


# -- Neo4j ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Neo4jConnection:
    """Where the Neo4j of the test session is, and how to log in."""

    uri: str
    user: str | None = None
    password: str | None = None
    database: str | None = None
    http_uri: str | None = None  # Neo4j Browser's server, when the session started it


def _neo4j_required() -> bool:
    return os.environ.get("MARKETGRAPH_REQUIRE_NEO4J", "").strip().lower() in {"1", "true", "yes"}


def _no_neo4j(reason: str) -> None:
    """Skip (or fail, under ``MARKETGRAPH_REQUIRE_NEO4J=1``) a test that needs Neo4j."""
    if _neo4j_required():
        pytest.fail(f"MARKETGRAPH_REQUIRE_NEO4J=1 but {reason}", pytrace=False)
    pytest.skip(f"{NEO4J_HOWTO} ({reason})")


@pytest.fixture(scope="session")
def neo4j_connection() -> Iterator[Neo4jConnection]:
    """The Neo4j of the session: ``MARKETGRAPH_NEO4J_URI``, or a server started here."""
    uri = os.environ.get("MARKETGRAPH_NEO4J_URI")
    if uri:
        yield Neo4jConnection(
            uri=uri,
            user=os.environ.get("MARKETGRAPH_NEO4J_USER") or None,
            password=os.environ.get("MARKETGRAPH_NEO4J_PASSWORD") or None,
            database=os.environ.get("MARKETGRAPH_NEO4J_DATABASE") or None,
        )
        return
    try:
        from tests.neo4j_server import Neo4jServer, build_launcher, java_available
    except ImportError as e:
        _no_neo4j(f"the test server launcher cannot be imported: {e}")
        return
    if not java_available():
        _no_neo4j("no working `java` on PATH or under JAVA_HOME")
    server = Neo4jServer(ROOT)
    try:
        build_launcher(ROOT)
        server.start()
    except Exception as e:  # a failed build or start: report why, with the log tail
        server.stop()
        _no_neo4j(f"the Neo4j test server did not start: {e}")
    try:
        yield Neo4jConnection(uri=server.bolt_uri, http_uri=server.http_uri)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_connection: Neo4jConnection) -> str:
    """Bolt URI of the session's Neo4j (skips, or fails when required, without one)."""
    return neo4j_connection.uri


def clear_neo4j(store: Neo4jGraphStore) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    # Deliberately backend-specific: the contract has no "delete everything" operation.
    # In batches, in an auto-commit transaction: one transaction over a large graph would
    # exceed the test server's transaction memory.
    with store._driver.session(database=store._database) as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


def open_neo4j_store(connection: Neo4jConnection) -> Neo4jGraphStore:
    from graph.neo4j import Neo4jGraphStore

    return Neo4jGraphStore(
        connection.uri,
        user=connection.user,
        password=connection.password,
        database=connection.database,
    )


# -- graph stores ----------------------------------------------------------------------------
BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


def _open_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    backend: str = request.param
    if backend == "embedded":
        return EmbeddedGraphStore(tmp_path / "graph.sqlite")
    connection: Neo4jConnection = request.getfixturevalue("neo4j_connection")
    store = open_neo4j_store(connection)
    try:
        clear_neo4j(store)
    except BaseException:
        store.close()
        raise
    return store


@pytest.fixture(params=BACKENDS)
def graph_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A migrated, empty store of each backend; closed after the test."""
    store = _open_store(request, tmp_path)
    try:
        migrations.apply_pending(store)
        yield store
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def bare_graph_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend with no migration recorded (for migration tests)."""
    store = _open_store(request, tmp_path)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def neo4j_store(neo4j_connection: Neo4jConnection) -> Iterator[Neo4jGraphStore]:
    """A migrated, empty Neo4j store alone (tests using it carry ``@pytest.mark.neo4j``)."""
    store = open_neo4j_store(neo4j_connection)
    try:
        clear_neo4j(store)
        migrations.apply_pending(store)
        yield store
    finally:
        store.close()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[EmbeddedGraphStore]:
    """A migrated embedded store on a fresh SQLite file."""
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        migrations.apply_pending(store)
        yield store
    finally:
        store.close()
