"""The graph backends under test, each able to hand out a fresh, migrated, empty store.

* embedded: a new SQLite file in a new temporary directory per store;
* neo4j: the server at ``MARKETGRAPH_NEO4J_URI`` (with ``MARKETGRAPH_NEO4J_USER``,
  ``_PASSWORD``, ``_DATABASE``), or else a throw-away server started through
  ``tests/neo4j_server.py`` when Java is present; every node is deleted before each store.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, LiteralString, Self

import neo4j

from bench.common import ROOT, Progress
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.neo4j import Neo4jGraphStore
from migrations import apply_pending

if TYPE_CHECKING:
    from tests.neo4j_server import Neo4jServer

# Deleting a million nodes in one transaction would not fit the test server's 1 GB heap, and
# neither does `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS` once
# the graph holds hubs: the first 10,000 nodes scanned are the dimension nodes and the
# IngestRun, whose DETACH DELETE takes every outcome edge into one inner transaction
# (MemoryPoolOutOfMemoryError at 100k outcome rows). So relationships go first, then nodes.
CLEAR: tuple[LiteralString, ...] = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)


class Backend(ABC):
    """One backend under test; :meth:`fresh_store` discards the previous store."""

    name: str

    def __init__(self) -> None:
        self.store: GraphStore | None = None
        self._data_dir: Path | None = None

    @abstractmethod
    def fresh_store(self, progress: Progress) -> GraphStore:
        """An empty store with every migration applied."""

    def scratch_data_dir(self) -> Path:
        """A new empty data dir (input files, text index, rejects) for one measurement; the
        previous one is deleted."""
        self._drop_data_dir()
        self._data_dir = Path(tempfile.mkdtemp(prefix="marketgraph-bench-data-"))
        return self._data_dir

    def _drop_data_dir(self) -> None:
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def close(self) -> None:
        self.close_store()
        self._drop_data_dir()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class EmbeddedBackend(Backend):
    """SQLite + networkx; every store (and every baseline database) in its own new folder."""

    name = "embedded"

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="marketgraph-bench-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self._count = 0
        self._dir: Path | None = None

    def scratch_dir(self) -> Path:
        """A new empty folder; the previous one (and its store) is deleted."""
        self.close_store()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        self._count += 1
        self._dir = self.root / f"run-{self._count}"
        self._dir.mkdir(parents=True)
        return self._dir

    def fresh_store(self, progress: Progress) -> GraphStore:
        folder = self.scratch_dir()
        store = EmbeddedGraphStore(folder / "graph.sqlite")
        self.store = store
        apply_pending(store)
        return store

    def outcome_table(self) -> tuple[list[str], list[str]]:
        """The ``CREATE`` statements of the ``outcomes`` table of a migrated store and of its
        indexes, and its column names: the "comparable table" of the plain-SQLite baseline."""
        folder = self.scratch_dir()
        path = folder / "graph.sqlite"
        store = EmbeddedGraphStore(path)
        try:
            apply_pending(store)
        finally:
            store.close()
        db = sqlite3.connect(path)
        try:
            ddl = db.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name = 'outcomes' "
                "ORDER BY type = 'index', name"
            ).fetchall()
            columns = [str(row[1]) for row in db.execute("PRAGMA table_info(outcomes)")]
        finally:
            db.close()
        if not columns:
            raise RuntimeError(
                "the embedded store has no 'outcomes' table any more: "
                "update the plain-SQLite baseline of bench/ingestion.py"
            )
        return [str(row[0]) for row in ddl], columns

    def close(self) -> None:
        super().close()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
        elif self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)


class Neo4jBackend(Backend):
    """A Neo4j 5 server; cleared (in transactions of 10,000 nodes) before each store."""

    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        server: Neo4jServer | None = None,
    ) -> None:
        super().__init__()
        self.uri = uri
        self.user = user
        self.password = password
        self.database = database
        self.server = server
        auth = None if user is None else neo4j.basic_auth(user, password or "")
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth)

    def version(self) -> str:
        records, _, _ = self.driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN name, versions[0] AS version, edition",
            database_=self.database,
        )
        return ", ".join(f"{r['name']} {r['version']} {r['edition']}" for r in records)

    def node_count(self) -> int:
        records, _, _ = self.driver.execute_query(
            "MATCH (n) RETURN count(n) AS n", database_=self.database
        )
        return int(records[0]["n"])

    def clear(self, progress: Progress) -> None:
        """Delete every node and relationship (constraints and indexes stay)."""
        self.close_store()
        nodes = self.node_count()
        if nodes == 0:
            return
        progress.say(f"neo4j: clearing {nodes:,} nodes (relationships first, in transactions)")
        with self.driver.session(database=self.database) as session:
            for statement in CLEAR:
                session.run(statement).consume()

    def fresh_store(self, progress: Progress) -> GraphStore:
        self.clear(progress)
        store = Neo4jGraphStore(self.uri, self.user, self.password, self.database)
        self.store = store
        apply_pending(store)
        return store

    def close(self) -> None:
        super().close()
        self.driver.close()
        if self.server is not None:
            self.server.stop()
            self.server = None


def open_neo4j(progress: Progress, work_dir: Path) -> Neo4jBackend | str:
    """The Neo4j backend, or the reason it is skipped.

    ``MARKETGRAPH_NEO4J_URI`` wins; otherwise a server is started through
    ``tests/neo4j_server.py`` (its logs under ``work_dir``) when Java is present.
    """
    uri = os.environ.get("MARKETGRAPH_NEO4J_URI")
    if uri:
        progress.say(f"neo4j: using MARKETGRAPH_NEO4J_URI={uri}")
        return Neo4jBackend(
            uri,
            user=os.environ.get("MARKETGRAPH_NEO4J_USER") or None,
            password=os.environ.get("MARKETGRAPH_NEO4J_PASSWORD") or None,
            database=os.environ.get("MARKETGRAPH_NEO4J_DATABASE") or None,
        )
    if str(ROOT) not in sys.path:  # `tests` is a package of the repository, not installed
        sys.path.insert(0, str(ROOT))
    try:
        from tests.neo4j_server import Neo4jServer, build_launcher, java_available
    except ImportError as e:
        return f"MARKETGRAPH_NEO4J_URI is not set and tests/neo4j_server.py cannot be imported: {e}"
    if not java_available():
        return "MARKETGRAPH_NEO4J_URI is not set and no working `java` is on PATH / JAVA_HOME"
    progress.say(
        "neo4j: MARKETGRAPH_NEO4J_URI is not set; starting a server (tests/neo4j_server.py)"
    )
    work_dir.mkdir(parents=True, exist_ok=True)
    server = Neo4jServer(
        ROOT, log_path=work_dir / "neo4j-server.log", logs_dir=work_dir / "neo4j-logs"
    )
    try:
        build_launcher(ROOT)
        server.start()
    except Exception as e:  # a failed build or start: skip Neo4j, say why
        server.stop()
        return f"the Neo4j server did not start: {e}"
    progress.say(f"neo4j: server up at {server.bolt_uri} (logs in {work_dir})")
    return Neo4jBackend(server.bolt_uri, server=server)


def each_backend(names: str, progress: Progress, work_dir: Path) -> Iterator[tuple[str, Backend]]:
    """Open each backend of the comma-separated ``names`` in turn (closed after its turn);
    a Neo4j that cannot be had is skipped with a line saying why."""
    for name in [b.strip() for b in names.split(",") if b.strip()]:
        opened = EmbeddedBackend() if name == "embedded" else open_neo4j(progress, work_dir)
        if isinstance(opened, str):
            progress.say(f"neo4j skipped: {opened}")
            continue
        with opened as backend:
            yield name, backend
