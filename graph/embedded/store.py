"""The embedded graph: SQLite (WAL) is the durable store, networkx the traversal index.

Every batch is one SQLite transaction; networkx is updated only after the commit, so a
failed or interrupted batch leaves both at the previous state. Another process writing
to the same file (``marketgraph ingest`` beside ``marketgraph serve``) is noticed through
``PRAGMA data_version`` and the in-memory graph is reloaded before the next read.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

import graph.embedded.derived as derived
import graph.embedded.edges as edges
import graph.embedded.find as find
import graph.embedded.outcome_rows as outcome_rows
import graph.embedded.queries as q
from graph import audit
from graph.base import Directions, GraphStore, Migration
from graph.embedded.jsontext import dumps, loads
from graph.embedded.outcomes import aggregate, outcome_filters
from graph.embedded.writes import (
    existing_outcomes,
    mirror_groups,
    missing_ends,
    storable,
    write_batch,
)
from graph.errors import (
    AppendOnlyViolationError,
    ConstraintViolationError,
    DanglingReferenceError,
    GraphUnavailableError,
    MigrationError,
    NodeNotFoundError,
    QueryTimeoutError,
)
from graph.models import (
    CampaignContext,
    Edge,
    EdgeRows,
    GraphBatch,
    Node,
    NodeRef,
    OutcomeKey,
    OutcomeQuery,
    OutcomeTotals,
    Precondition,
    PropertyValue,
    WriteResult,
)
from graph.query import Condition, NodeQuery, Value
from graph.schema import APPEND_ONLY_LABELS, Label, RelType

_OUTCOME = Label.OUTCOME
Key = tuple[str, str]  # (label, id): a node of the networkx graph


def _owner_only(path: Path) -> None:
    """The database readable by its owner alone (0600), created so if it is new; SQLite
    gives its WAL and shared-memory files the database's mode."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError:
        return  # SQLite says why it cannot open it
    for suffix in ("", "-wal", "-shm"):
        try:
            os.chmod(f"{path}{suffix}", 0o600)
        except OSError:  # absent, or another user's file: theirs to guard
            continue


class EmbeddedGraphStore(GraphStore):
    """The default backend: one SQLite file under the data dir, nothing to install."""

    backend = "embedded"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        try:
            _owner_only(path)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            # 64 MiB of page cache (the default is 2 MiB): a batch of outcomes touches pages
            # of five b-trees, which then stay in memory for the next batch.
            self._db.execute("PRAGMA cache_size=-65536")
            for statement in q.SCHEMA:
                self._db.execute(statement)
            derived.upgrade(self._db)
        except sqlite3.Error as e:
            raise GraphUnavailableError(f"cannot open the embedded graph at {path}: {e}") from e
        self._graph: nx.MultiDiGraph[Key] = nx.MultiDiGraph()
        self._version = -1
        self._sync()

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._db.close()

    def ping(self) -> None:
        try:
            with self._lock:
                self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error as e:
            raise GraphUnavailableError(f"embedded graph at {self.path}: {e}") from e

    def data_version(self) -> tuple[int, int]:
        """SQLite's ``data_version`` (commits of other connections, after which the mirror
        is reloaded) with the rows this connection has changed (its own commits)."""
        with self._lock:
            self._sync()
            return self._version, self._db.total_changes

    def _sync(self) -> None:
        """Reload the networkx mirror when another connection has committed."""
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return
        graph: nx.MultiDiGraph[Key] = nx.MultiDiGraph()
        for label, node_id, props in self._db.execute(q.ALL_NODES):
            graph.add_node((label, node_id), props=loads(props))
        for sl, si, rel, dl, di, props in self._db.execute(q.ALL_EDGES):
            graph.add_edge((sl, si), (dl, di), key=rel, props=loads(props))
        self._graph = graph
        self._version = version

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._lock:
            self._sync()
            yield

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- schema --------------------------------------------------------------------------
    def applied_migrations(self) -> dict[str, str]:
        with self._reading():
            rows = self._db.execute(q.MIGRATION_NODES).fetchall()
        return {node_id: loads(props)["checksum"] for node_id, props in rows}

    def apply_migration(self, migration: Migration) -> None:
        with self._lock:
            try:
                with self._transaction() as db:
                    for label, prop in migration.unique:
                        if prop != "id":  # (label, id) is the primary key already
                            db.execute(q.unique_index(label, prop))
                    for label, props in migration.indexes:
                        statement = q.property_index(label, props)
                        if statement is not None:
                            db.execute(statement)
            except sqlite3.Error as e:
                raise MigrationError(f"migration {migration.id} cannot be applied: {e}") from e
            self.write(GraphBatch(nodes=[migration.node()]))

    # -- writes ----------------------------------------------------------------------------
    def write(self, batch: GraphBatch) -> WriteResult:
        self._write(batch, [])
        return WriteResult(nodes=len(batch.nodes), edges=batch.edge_count)

    def _write_if(self, batch: GraphBatch, preconditions: list[Precondition]) -> bool:
        return self._write(batch, preconditions)

    def _write(self, batch: GraphBatch, preconditions: list[Precondition]) -> bool:
        """One transaction: check the preconditions under the write lock, then write
        (sealing new decisions, approvals and executions into the audit chain)."""
        batch = storable(batch.for_audit())
        chained = audit.touches_chain(batch)
        head: Node | None = None
        with self._lock:
            try:
                with self._transaction() as db:
                    # Another process may have committed while we waited for the write lock.
                    self._sync()
                    version = self._version
                    if not all(p.holds(self._props(p.ref)) for p in preconditions):
                        return False  # nothing written: the empty transaction commits
                    self._check_append_only(batch.nodes)
                    missing = missing_ends(db, batch.nodes, batch.edge_groups(), self._exists)
                    if missing:
                        raise DanglingReferenceError(missing)
                    if chained:
                        batch, head = self._seal(db, batch)
                    groups = batch.edge_groups()
                    write_batch(db, batch.nodes, groups)
                    if head is not None:
                        write_batch(db, [head], [])
            except sqlite3.IntegrityError as e:
                raise ConstraintViolationError(str(e)) from e
            except sqlite3.Error as e:
                raise GraphUnavailableError(f"embedded graph write failed: {e}") from e
            self._version = version  # our own commit does not change data_version
            self._mirror(batch.nodes, groups)
            if head is not None:
                self._mirror([head], [])
        return True

    def _seal(self, db: sqlite3.Connection, batch: GraphBatch) -> tuple[GraphBatch, Node | None]:
        """Seal the batch's new sealed-label nodes; the head to write, if it moved.

        We hold SQLite's write lock (BEGIN IMMEDIATE) and the mirror is in step with the
        file, so the head read here cannot move before we commit.
        """
        stored: dict[NodeRef, dict[str, Any]] = {}
        for ref in audit.sealed_refs(batch):
            data = self._graph.nodes.get((ref.label.value, ref.id))
            if data is not None:
                stored[ref] = data["props"]
        ref = audit.HEAD_REF
        row = db.execute(q.NODE_PROPS, (ref.label.value, ref.id)).fetchone()
        previous: dict[str, Any] | None = loads(row[0]) if row else None
        head = audit.ChainHead.of(previous)
        sealed, moved = audit.seal_batch(batch, stored, head)
        if moved == head:
            return sealed, None
        props = audit.head_properties(moved, previous, datetime.now(UTC).isoformat())
        return sealed, Node(label=ref.label, id=ref.id, properties=props)

    def _props(self, ref: NodeRef) -> dict[str, Any] | None:
        node = self._node(ref)
        return None if node is None else node.properties

    def _check_append_only(self, nodes: Sequence[Node]) -> None:
        for node in nodes:
            if node.label in APPEND_ONLY_LABELS and (node.label.value, node.id) in self._graph:
                raise AppendOnlyViolationError(node.label.value, node.id)

    def _exists(self, label: Label, node_id: str) -> bool:
        return (label.value, node_id) in self._graph

    def _mirror(self, nodes: Sequence[Node], groups: Sequence[EdgeRows]) -> None:
        """Bring networkx in step with a committed batch (outcomes live in SQLite only)."""
        graph = self._graph
        graph.add_nodes_from(
            ((n.label.value, n.id), {"props": dict(n.properties)})
            for n in nodes
            if n.label is not _OUTCOME
        )
        for g in mirror_groups(groups):
            sl, rel, dl = g.src_label.value, g.type.value, g.dst_label.value
            props = g.properties or [{} for _ in g.src_ids]
            # (u, v, key, data): the stubs know only the 2- and 3-tuples of a MultiDiGraph.
            graph.add_edges_from(
                ((sl, s), (dl, d), rel, {"props": dict(p)})  # type: ignore[misc]
                for s, d, p in zip(g.src_ids, g.dst_ids, props, strict=True)
            )

    # -- reads -----------------------------------------------------------------------------
    def get_node(self, ref: NodeRef) -> Node | None:
        with self._reading():
            return self._node(ref)

    def _node(self, ref: NodeRef) -> Node | None:
        if ref.label is _OUTCOME:
            row = self._db.execute(q.OUTCOME_ROW, (ref.id,)).fetchone()
            props = outcome_rows.properties(row) if row else None
        else:
            data = self._graph.nodes.get((ref.label.value, ref.id))
            props = dict(data["props"]) if data is not None else None
        return None if props is None else Node(label=ref.label, id=ref.id, properties=props)

    def delete_nodes(self, refs: Sequence[NodeRef]) -> int:
        for ref in refs:
            if ref.label in APPEND_ONLY_LABELS:
                raise AppendOnlyViolationError(ref.label.value, ref.id)
        deleted = 0
        with self._lock:
            try:
                with self._transaction() as db:
                    self._sync()
                    version = self._version
                    for ref in dict.fromkeys(refs):
                        args = (ref.label.value, ref.id)
                        if ref.label is _OUTCOME:
                            deleted += db.execute(q.DELETE_OUTCOME, (ref.id,)).rowcount
                        else:
                            deleted += db.execute(q.DELETE_NODE, args).rowcount
                            if ref.label in q.OF_COLUMNS:
                                db.execute(q.clear_of_bits(ref.label), (ref.id,))
                            elif ref.label is Label.INGEST_RUN:
                                db.execute(q.FORGET_RUN, (ref.id,))
                        db.execute(q.DELETE_EDGES_OF, args)
                        db.execute(q.DELETE_OUTCOME_EDGES_OF, args)
            except sqlite3.Error as e:
                raise GraphUnavailableError(f"embedded graph delete failed: {e}") from e
            self._version = version
            for ref in refs:
                key = (ref.label.value, ref.id)
                if key in self._graph:
                    self._graph.remove_node(key)
        return deleted

    def _find(self, query: NodeQuery) -> list[Node]:
        with self._reading():
            return find.find(self._db, query)

    def _count_where(self, label: Label, where: dict[str, Condition]) -> int:
        with self._reading():
            return find.count(self._db, label, where)

    def _count_by(
        self, label: Label, keys: tuple[str, ...], where: dict[str, Condition]
    ) -> dict[tuple[Value, ...], int]:
        with self._reading():
            return find.count_by(self._db, label, keys, where)

    def update_if(
        self,
        ref: NodeRef,
        expect: Mapping[str, PropertyValue],
        changes: Mapping[str, PropertyValue],
    ) -> Node | None:
        if ref.label in APPEND_ONLY_LABELS:
            raise AppendOnlyViolationError(ref.label.value, ref.id)
        if ref.label is _OUTCOME:
            raise ValueError("update_if does not apply to outcomes: re-ingest them instead")
        audit.check_update(ref, changes)
        with self._lock:
            try:
                with self._transaction() as db:
                    self._sync()
                    version = self._version
                    row = db.execute(q.NODE_PROPS, (ref.label.value, ref.id)).fetchone()
                    if row is None:
                        return None
                    props: dict[str, Any] = loads(row[0])
                    if any(props.get(k) != v for k, v in expect.items()):
                        return None
                    for key, value in changes.items():
                        if value is None:
                            props.pop(key, None)
                        else:
                            props[key] = value
                    props["id"] = ref.id
                    db.execute(q.UPSERT_NODE, (ref.label.value, ref.id, dumps(props)))
            except sqlite3.Error as e:
                raise GraphUnavailableError(f"embedded graph update failed: {e}") from e
            self._version = version
            self._graph.add_node((ref.label.value, ref.id), props=dict(props))
        return Node(label=ref.label, id=ref.id, properties=props)

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        with self._reading():
            return [n for n in (self._node(r) for r in refs) if n is not None]

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        with self._reading():
            if label is _OUTCOME:
                return existing_outcomes(self._db, list(ids))
            return {i for i in ids if (label.value, i) in self._graph}

    def labels_of(self, node_id: str) -> list[Label]:
        with self._reading():
            labels = [Label(row[0]) for row in self._db.execute(q.LABELS_OF_ID, (node_id,))]
            if self._db.execute(q.OUTCOME_EXISTS, (node_id,)).fetchone():
                labels.append(_OUTCOME)
        return labels

    def _count(self, label: Label | None) -> int:
        with self._reading():
            if label is _OUTCOME:
                return int(self._db.execute(q.COUNT_OUTCOMES).fetchone()[0])
            if label is not None:
                return int(self._db.execute(q.COUNT_NODES_OF_LABEL, (label.value,)).fetchone()[0])
            nodes = self._db.execute(q.COUNT_NODES).fetchone()[0]
            return int(nodes) + int(self._db.execute(q.COUNT_OUTCOMES).fetchone()[0])

    def count_edges(self, rel_type: RelType | None = None) -> int:
        with self._reading():
            kept = 0  # edges outcome rows hold (``derived``)
            if rel_type in (None, RelType.OF):
                kept += int(self._db.execute(q.COUNT_DERIVED_OF).fetchone()[0])
            if rel_type in (None, RelType.FROM):
                kept += int(self._db.execute(q.COUNT_DERIVED_FROM).fetchone()[0])
            if rel_type is None:
                return kept + int(self._db.execute(q.COUNT_EDGES).fetchone()[0])
            args = (rel_type.value, rel_type.value)
            return kept + int(self._db.execute(q.COUNT_EDGES_OF_TYPE, args).fetchone()[0])

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> list[Edge]:
        deadline = None if timeout is None else time.monotonic() + timeout
        wanted = edges.Wanted(directions)
        out: list[Edge] = []
        with self._reading():
            for ref in refs:
                if deadline is not None and time.monotonic() > deadline:
                    raise QueryTimeoutError(timeout or 0.0)
                room = limit_per_node if limit is None else min(limit_per_node, limit - len(out))
                if room <= 0 and limit is not None:
                    break
                out.extend(edges.incident(self._db, self._graph, ref, room, wanted))
        return out

    # -- domain queries --------------------------------------------------------------------
    def aggregate_outcomes(self, query: OutcomeQuery) -> list[OutcomeTotals]:
        with self._reading():
            return aggregate(self._db, self._graph, query)

    def outcome_keys(self, query: OutcomeQuery) -> list[OutcomeKey]:
        with self._reading():
            filters, params = outcome_filters(self._graph, query)
            rows = self._db.execute(q.outcome_keys(filters), params).fetchall()
        return [OutcomeKey(*row) for row in rows]

    def _targets(self, key: Key, rel: RelType) -> list[Key]:
        if key not in self._graph:
            return []
        return sorted(dst for _, dst, k in self._graph.out_edges(key, keys=True) if k == rel.value)

    def _sources(self, key: Key, rels: Iterable[RelType], label: Label) -> list[Key]:
        if key not in self._graph:
            return []
        wanted = {r.value for r in rels}
        edges = self._graph.in_edges(key, keys=True)
        return sorted({src for src, _, k in edges if k in wanted and src[0] == label.value})

    def get_campaign_context(
        self, campaign_id: str, start: date | None = None, end: date | None = None
    ) -> CampaignContext:
        ref = NodeRef(label=Label.CAMPAIGN, id=campaign_id)
        with self._reading():
            campaign = self._node(ref)
            if campaign is None:
                raise NodeNotFoundError(campaign_id, Label.CAMPAIGN.value)
            key = (Label.CAMPAIGN.value, campaign_id)

            def nodes(keys: Iterable[Key]) -> list[Node]:
                found = (self._node(NodeRef(label=Label(lab), id=i)) for lab, i in keys)
                return [n for n in found if n is not None]

            brands = nodes(self._sources(key, [RelType.RUNS], Label.BRAND))
            decisions = nodes(
                self._sources(key, [RelType.BASED_ON, RelType.PRODUCED], Label.DECISION)
            )
            decisions.sort(key=lambda n: str(n.properties.get("created_at", "")), reverse=True)
            totals = aggregate(
                self._db,
                self._graph,
                OutcomeQuery(
                    campaign_ids=[campaign_id], start=start, end=end, group_by=("channel_id",)
                ),
            )
            return CampaignContext(
                campaign=campaign,
                brand=brands[0] if brands else None,
                audiences=nodes(self._targets(key, RelType.TARGETS)),
                channels=nodes(self._targets(key, RelType.ON)),
                assets=nodes(self._targets(key, RelType.USES)),
                outcomes_by_channel=totals,
                decisions=decisions,
            )
