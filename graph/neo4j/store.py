"""The Neo4j backend: the graph contract over Bolt with the official driver.

Every batch is one managed write transaction (the driver retries it on transient
failures, so its work function is idempotent); reads go through managed read
transactions. Cypher lives in :mod:`graph.neo4j.queries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import (
    GraphDatabase,
    ManagedTransaction,
    RoutingControl,
)
from neo4j.exceptions import (
    AuthError,
    ConnectionPoolError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

import graph.neo4j.queries as q
from graph import audit
from graph.base import Directions, GraphStore, Migration
from graph.errors import (
    AppendOnlyViolationError,
    ConstraintViolationError,
    DanglingReferenceError,
    GraphError,
    GraphUnavailableError,
    MigrationError,
    NodeNotFoundError,
)
from graph.models import (
    CampaignContext,
    Edge,
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
from graph.schema import APPEND_ONLY_LABELS, OUTCOME_METRICS, SEALED_LABELS, Label, RelType

T = TypeVar("T")
Row = dict[str, Any]
EdgeGroup = tuple[Label, RelType, Label]
INDEX_WAIT_SECONDS = 300
# Failures where retrying later may succeed (the driver has retried already).
_UNAVAILABLE = (
    ServiceUnavailable,
    SessionExpired,
    ConnectionPoolError,
    TransientError,
    AuthError,
)
# "Label/type does not exist yet" is normal for a young graph: not worth a log line. The
# option was renamed in driver 6 (the new name is a preview, with a warning, in 5.x).
_QUIET_NOTIFICATIONS: dict[str, Any] = (
    {"notifications_disabled_classifications": ["UNRECOGNIZED"]}
    if int(neo4j.__version__.split(".")[0]) >= 6
    else {"notifications_disabled_categories": ["UNRECOGNIZED"]}
)
_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})


class Neo4jGraphStore(GraphStore):
    """The server backend: a Neo4j 5 database reached over Bolt (single server or cluster)."""

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        retry_seconds: float = 30.0,
        chunk_rows: int = q.CHUNK_ROWS,
    ) -> None:
        """One driver (a connection pool) for the store's lifetime.

        Args:
            uri: ``bolt://`` (one server) or ``neo4j://`` (routing, for clusters), with an
                optional ``+s`` / ``+ssc`` for TLS.
            user: None connects without authentication.
            database: None uses the server's default database.
            retry_seconds: how long a transaction is retried on transient failures (lost
                connection, leader switch, deadlock) before GraphUnavailableError.
            chunk_rows: rows per UNWIND statement; a larger batch is several statements of
                the same transaction.
        """
        self._uri = uri
        self._chunk_rows = max(1, chunk_rows)
        self._database = database
        scheme = uri.partition("://")[0].lower()
        if scheme not in _SCHEMES:
            raise GraphUnavailableError(
                f"cannot open Neo4j at {uri}: the URI scheme must be one of {sorted(_SCHEMES)}"
            )
        auth = None if user is None else neo4j.basic_auth(user, password or "")
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                max_transaction_retry_time=retry_seconds,
                **_QUIET_NOTIFICATIONS,
            )
        except (DriverError, ValueError) as e:
            raise GraphUnavailableError(f"cannot open Neo4j at {uri}: {e}") from e

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self._driver.close()

    def ping(self) -> None:
        try:
            self._driver.verify_connectivity()
            self._read(q.PING)
        except (DriverError, Neo4jError, OSError, GraphError) as e:
            raise GraphUnavailableError(f"Neo4j at {self._uri} does not answer: {e}") from e

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn driver errors into graph errors (``raise ... from e``) in one place."""
        try:
            yield
        except ConstraintError as e:
            raise ConstraintViolationError(e.message or str(e)) from e
        except _UNAVAILABLE as e:
            raise GraphUnavailableError(f"Neo4j at {self._uri}: {action} failed: {e}") from e
        except Neo4jError as e:
            raise GraphError(f"Neo4j at {self._uri}: {action} failed: {e.message or e}") from e

    def _read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        """Run one read query in a managed read transaction; returns all its records."""
        with self._translated("read"):
            records, _, _ = self._driver.execute_query(
                query, params, database_=self._database, routing_=RoutingControl.READ
            )
        return records

    def _read_unit(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run several read queries in one managed read transaction."""
        with self._translated("read"), self._driver.session(database=self._database) as session:
            return session.execute_read(work)

    # -- schema --------------------------------------------------------------------------
    def applied_migrations(self) -> dict[str, str]:
        return {r["id"]: r["checksum"] for r in self._read(q.MIGRATIONS)}

    def apply_migration(self, migration: Migration) -> None:
        # Schema and data cannot share a transaction: each DDL runs in its own, then the
        # migration is recorded by an ordinary batch write.
        statements = [q.unique_constraint(label, prop) for label, prop in migration.unique]
        statements += [q.property_index(label, props) for label, props in migration.indexes]
        with self._translated(f"migration {migration.id}"):
            try:
                for statement in statements:
                    self._driver.execute_query(statement, database_=self._database)
                self._driver.execute_query(
                    q.AWAIT_INDEXES, {"timeout": INDEX_WAIT_SECONDS}, database_=self._database
                )
            except _UNAVAILABLE:
                raise  # translated below, like any other call
            except Neo4jError as e:
                raise MigrationError(f"migration {migration.id}: {e.message or e}") from e
        self.write(GraphBatch(nodes=[migration.node()]))

    # -- writes ----------------------------------------------------------------------------
    def write(self, batch: GraphBatch) -> WriteResult:
        chained = audit.touches_chain(batch)
        nodes, edges = _rows(batch)
        if nodes or edges:
            with self._translated("write"), self._driver.session(database=self._database) as s:
                s.execute_write(_write_batch, batch, nodes, edges, self._chunk_rows, (), chained)
        return WriteResult(nodes=len(batch.nodes), edges=len(batch.edges))

    def _write_if(self, batch: GraphBatch, preconditions: list[Precondition]) -> bool:
        chained = audit.touches_chain(batch)
        nodes, edges = _rows(batch)
        try:
            with self._translated("write"), self._driver.session(database=self._database) as s:
                s.execute_write(
                    _write_batch, batch, nodes, edges, self._chunk_rows, preconditions, chained
                )
        except _PreconditionFailed:
            return False
        return True

    # -- reads -----------------------------------------------------------------------------
    def get_node(self, ref: NodeRef) -> Node | None:
        found = self.get_nodes([ref])
        return found[0] if found else None

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        if not refs:
            return []
        wanted = _ids_by_label(refs)

        def work(tx: ManagedTransaction) -> dict[NodeRef, Node]:
            found: dict[NodeRef, Node] = {}
            for label, ids in wanted.items():
                for record in tx.run(q.get_nodes(label), ids=ids):
                    node = Node(label=label, id=record["id"], properties=record["props"])
                    found.setdefault(node.ref, node)
            return found

        found = self._read_unit(work)
        return [found[r] for r in refs if r in found]

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        return {r["id"] for r in self._read(q.existing_ids(label), ids=wanted)}

    def labels_of(self, node_id: str) -> list[Label]:
        labels = [Label(r["label"]) for r in self._read(q.LABELS_OF_ID, id=node_id)]
        # As the embedded backend lists them: by label name, then Outcome last.
        return sorted(set(labels), key=lambda lab: (lab is Label.OUTCOME, lab.value))

    def count(self, label: Label | None = None) -> int:
        return int(self._read(q.count_nodes(label))[0]["n"])

    def count_edges(self, rel_type: RelType | None = None) -> int:
        return int(self._read(q.count_edges(rel_type))[0]["n"])

    def list_nodes(self, label: Label, limit: int = 100, offset: int = 0) -> list[Node]:
        records = self._read(q.list_nodes(label), skip=max(offset, 0), limit=max(limit, 0))
        return [_node(label, r["props"]) for r in records]

    def find_nodes(
        self, label: Label, where: Mapping[str, str | int | float | bool], limit: int = 100
    ) -> list[Node]:
        names = list(where)
        records = self._read(
            q.find_nodes(label, names), where=[where[n] for n in names], limit=max(limit, 0)
        )
        return [_node(label, r["props"]) for r in records]

    def update_if(
        self,
        ref: NodeRef,
        expect: Mapping[str, PropertyValue],
        changes: Mapping[str, PropertyValue],
    ) -> Node | None:
        if ref.label in APPEND_ONLY_LABELS:
            raise AppendOnlyViolationError(ref.label.value, ref.id)
        if ref.label is Label.OUTCOME:
            raise ValueError("update_if does not apply to outcomes: re-ingest them instead")
        audit.check_update(ref, changes)
        wanted = dict(expect)
        update = {k: v for k, v in changes.items() if k != "id"}

        def work(tx: ManagedTransaction) -> dict[str, Any] | None:
            # The no-op write takes the node's lock first, so the comparison below sees
            # the last committed state and no other transaction can change it meanwhile.
            record = tx.run(q.lock_node(ref.label), id=ref.id).single()
            if record is None:
                return None
            current: dict[str, Any] = record["props"]
            if any(current.get(k) != v for k, v in wanted.items()):
                return None
            changed = tx.run(q.set_properties(ref.label), id=ref.id, changes=update).single()
            return None if changed is None else dict(changed["props"])

        with self._translated("update"), self._driver.session(database=self._database) as s:
            props = s.execute_write(work)
        return None if props is None else _node(ref.label, props)

    def delete_nodes(self, refs: Sequence[NodeRef]) -> int:
        for ref in refs:
            if ref.label in APPEND_ONLY_LABELS:
                raise AppendOnlyViolationError(ref.label.value, ref.id)
        wanted = _ids_by_label(refs)

        def work(tx: ManagedTransaction) -> int:
            deleted = 0
            for label, ids in wanted.items():
                record = tx.run(q.delete_nodes(label), ids=ids).single()
                deleted += int(record["n"]) if record else 0
            return deleted

        if not wanted:
            return 0
        with self._translated("delete"), self._driver.session(database=self._database) as s:
            return s.execute_write(work)

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
    ) -> list[Edge]:
        if not refs:
            return []
        wanted = _ids_by_label(refs)
        out_types = in_types = None
        if directions is not None:
            out_types = [r for r, d in directions.items() if d == "out"]
            in_types = [r for r, d in directions.items() if d == "in"]

        def work(tx: ManagedTransaction) -> dict[NodeRef, list[Edge]]:
            found: dict[NodeRef, list[Edge]] = {}
            for label, ids in wanted.items():
                query = q.incident_edges(label, out_types, in_types)
                for r in tx.run(query, ids=ids, limit=max(limit_per_node, 0)):
                    here = NodeRef(label=label, id=r["id"])
                    other = NodeRef(label=Label(r["other_label"]), id=r["other_id"])
                    src, dst = (here, other) if r["outgoing"] else (other, here)
                    edge = Edge(src=src, type=RelType(r["type"]), dst=dst, properties=r["props"])
                    found.setdefault(here, []).append(edge)
            return found

        found = self._read_unit(work)
        return [edge for ref in refs for edge in found.get(ref, [])]

    # -- domain queries --------------------------------------------------------------------
    def aggregate_outcomes(self, query: OutcomeQuery) -> list[OutcomeTotals]:
        return self._read_unit(lambda tx: _aggregate(tx, query))

    def outcome_keys(self, query: OutcomeQuery) -> list[OutcomeKey]:
        def work(tx: ManagedTransaction) -> list[OutcomeKey]:
            filters, params = _outcome_filters(tx, query)
            return [
                OutcomeKey(r["id"], r["campaign_id"], r["channel_id"], r["audience_id"], r["date"])
                for r in tx.run(q.outcome_keys(filters), params)
            ]

        return self._read_unit(work)

    def get_campaign_context(
        self, campaign_id: str, start: date | None = None, end: date | None = None
    ) -> CampaignContext:
        totals_query = OutcomeQuery(
            campaign_ids=[campaign_id], start=start, end=end, group_by=("channel_id",)
        )

        def work(tx: ManagedTransaction) -> CampaignContext | None:
            record = tx.run(q.CAMPAIGN_CONTEXT, campaign_id=campaign_id).single()
            if record is None:
                return None
            brands = [_node(Label.BRAND, p) for p in record["brands"]]
            return CampaignContext(
                campaign=_node(Label.CAMPAIGN, record["campaign"]),
                brand=brands[0] if brands else None,
                audiences=[_node(x["label"], x["props"]) for x in record["audiences"]],
                channels=[_node(x["label"], x["props"]) for x in record["channels"]],
                assets=[_node(x["label"], x["props"]) for x in record["assets"]],
                outcomes_by_channel=_aggregate(tx, totals_query),
                decisions=[_node(Label.DECISION, p) for p in record["decisions"]],
            )

        context = self._read_unit(work)
        if context is None:
            raise NodeNotFoundError(campaign_id, Label.CAMPAIGN.value)
        return context


# -- transaction work (module level: the driver may run it more than once) ----------------
class _PreconditionFailed(Exception):
    """Raised inside a conditional write's transaction to roll it back."""


def _rows(batch: GraphBatch) -> tuple[dict[Label, list[Row]], dict[EdgeGroup, list[Row]]]:
    """The batch as UNWIND rows, grouped by label and by (label, type, label)."""
    nodes = _node_rows(batch.nodes)
    edges: dict[EdgeGroup, list[Row]] = {}
    for edge in batch.edges:
        row = {"src": edge.src.id, "dst": edge.dst.id, "props": dict(edge.properties)}
        edges.setdefault((edge.src.label, edge.type, edge.dst.label), []).append(row)
    return nodes, edges


def _node_rows(batch_nodes: Sequence[Node]) -> dict[Label, list[Row]]:
    nodes: dict[Label, list[Row]] = {}
    for node in batch_nodes:
        props = {**node.properties, "id": node.id}
        nodes.setdefault(node.label, []).append({"id": node.id, "props": props})
    return nodes


def _check_preconditions(
    tx: ManagedTransaction, preconditions: Sequence[Precondition]
) -> set[NodeRef]:
    """Lock and check each precondition's node; raise _PreconditionFailed if one fails.

    A node expected absent is created bare here (the batch then sets its properties): the
    uniqueness constraint makes a racing creator wait for us and then fail. Returns the
    refs created that way.
    """
    created: set[NodeRef] = set()
    for p in sorted(preconditions, key=lambda p: (p.ref.label.value, p.ref.id)):  # lock order
        if p.expected is None:
            try:
                tx.run(q.create_node(p.ref.label), id=p.ref.id).consume()
            except ConstraintError:
                raise _PreconditionFailed from None
            created.add(p.ref)
            continue
        # Locked, then read: None when absent (or deleted while we waited for the lock).
        record = tx.run(q.lock_node(p.ref.label), id=p.ref.id).single()
        if record is None or not p.holds(dict(record["props"])):
            raise _PreconditionFailed
    return created


def _write_batch(
    tx: ManagedTransaction,
    batch: GraphBatch,
    nodes: dict[Label, list[Row]],
    edges: dict[EdgeGroup, list[Row]],
    chunk_rows: int,
    preconditions: Sequence[Precondition] = (),
    chained: bool = False,
) -> None:
    """Write one batch; raising rolls the whole transaction back."""
    created = _check_preconditions(tx, preconditions)
    head: audit.ChainHead | None = None
    existing: set[NodeRef] = set()
    checked: frozenset[Label] = frozenset()
    if chained:  # rows made afresh: the driver may run this function again
        batch, head, stored = _seal(tx, batch, created)
        nodes = _node_rows(batch.nodes)
        existing.update(stored)  # looked up already (under the head's lock if new)
        checked = SEALED_LABELS
    for label in (APPEND_ONLY_LABELS & nodes.keys()) - checked:
        ids = [row["id"] for row in nodes[label]]
        existing.update(
            NodeRef(label=label, id=r["id"]) for r in tx.run(q.existing_ids(label), ids=ids)
        )
    existing -= created
    for node in batch.nodes:  # the first offender in batch order, as the embedded backend
        if node.label in APPEND_ONLY_LABELS and node.ref in existing:
            raise AppendOnlyViolationError(node.label.value, node.id)
    for label, rows in nodes.items():
        for chunk in _chunks(rows, chunk_rows):
            tx.run(q.merge_nodes(label), rows=chunk).consume()
    for (src, rel, dst), rows in edges.items():
        for chunk in _chunks(rows, chunk_rows):
            record = tx.run(q.merge_edges(src, rel, dst), rows=chunk).single(strict=True)
            if record["matched"] < len(chunk):
                raise DanglingReferenceError(_missing_ends(tx, batch.edges))
    if head is not None:
        tx.run(q.SET_AUDIT_HEAD, id=audit.HEAD_ID, seq=head.seq, hash=head.hash).consume()


def _seal(
    tx: ManagedTransaction, batch: GraphBatch, created: set[NodeRef]
) -> tuple[GraphBatch, audit.ChainHead | None, dict[NodeRef, dict[str, Any]]]:
    """Seal the batch's new sealed-label nodes: the batch to write, the new head if it
    moved, and the stored seals of those that existed.

    New nodes are looked up under the head's write lock: every sealer holds it while it
    creates, so two writers creating one node cannot both seal it, and a Decision or
    Approval created meanwhile is caught by the append-only check after. A batch that
    only rewrites existing executions (the outbox) takes no lock; one with a decision or
    approval, or a node its own precondition just created, takes it at once.
    """
    refs = audit.sealed_refs(batch)
    likely_new = any(r in created or r.label in APPEND_ONLY_LABELS for r in refs)
    stored = {} if likely_new else _stored_seals(tx, refs, created)
    if not likely_new and all(r in stored for r in refs):
        return audit.seal_batch(batch, stored, audit.ChainHead())[0], None, stored
    now = datetime.now(UTC).isoformat()
    record = tx.run(q.LOCK_AUDIT_HEAD, id=audit.HEAD_ID, genesis=audit.GENESIS, now=now).single(
        strict=True
    )
    head = audit.ChainHead(seq=int(record["seq"]), hash=str(record["hash"]))
    unknown = [r for r in refs if r not in stored and r not in created]
    stored.update(_stored_seals(tx, unknown, created))
    sealed, moved = audit.seal_batch(batch, stored, head)
    return sealed, None if moved == head else moved, stored


def _stored_seals(
    tx: ManagedTransaction, refs: Sequence[NodeRef], created: set[NodeRef]
) -> dict[NodeRef, dict[str, Any]]:
    """The stored seal fields of those of ``refs`` that exist (bare nodes this transaction
    created for a precondition do not count: they are new)."""
    found: dict[NodeRef, dict[str, Any]] = {}
    for label, ids in _ids_by_label(refs).items():
        for r in tx.run(q.seal_fields(label), ids=ids):
            ref = NodeRef(label=label, id=r["id"])
            if ref not in created:
                found[ref] = {f: r[f] for f in audit.SEAL_FIELDS if r[f] is not None}
    return found


def _missing_ends(tx: ManagedTransaction, edges: Sequence[Edge]) -> list[tuple[str, str]]:
    """Ends of ``edges`` that exist nowhere (the batch's own nodes are written already)."""
    ends = list(dict.fromkeys(end for e in edges for end in (e.src, e.dst)))
    existing: set[NodeRef] = set()
    for label, ids in _ids_by_label(ends).items():
        for r in tx.run(q.existing_ids(label), ids=ids):
            existing.add(NodeRef(label=label, id=r["id"]))
    return [(end.label.value, end.id) for end in ends if end not in existing]


def _outcome_filters(
    tx: ManagedTransaction, query: OutcomeQuery
) -> tuple[list[LiteralString], dict[str, Any]]:
    filters: list[LiteralString] = []
    params: dict[str, Any] = {}
    campaign_ids = query.campaign_ids
    if query.brand_id is not None:
        owned = [r["id"] for r in tx.run(q.BRAND_CAMPAIGNS, brand_id=query.brand_id)]
        campaign_ids = owned if campaign_ids is None else [c for c in campaign_ids if c in owned]
    for clause, name, values in (
        (q.FILTER_CAMPAIGNS, "campaign_ids", campaign_ids),
        (q.FILTER_CHANNELS, "channel_ids", query.channel_ids),
        (q.FILTER_AUDIENCES, "audience_ids", query.audience_ids),
    ):
        if values is not None:
            filters.append(clause)
            params[name] = list(values)
    if query.start is not None:
        filters.append(q.FILTER_START)
        params["start"] = query.start.isoformat()
    if query.end is not None:
        filters.append(q.FILTER_END)
        params["end"] = query.end.isoformat()
    return filters, params


def _aggregate(tx: ManagedTransaction, query: OutcomeQuery) -> list[OutcomeTotals]:
    filters, params = _outcome_filters(tx, query)
    totals: list[OutcomeTotals] = []
    for r in tx.run(q.aggregate_outcomes(query.group_by, filters), params):
        if r["rows"] == 0:
            continue
        keys = {k: r[k] for k in query.group_by}
        metrics = {m: float(r[m] or 0.0) for m in OUTCOME_METRICS}
        totals.append(OutcomeTotals(**keys, rows=int(r["rows"]), **metrics))
    return totals


# -- helpers -------------------------------------------------------------------------------
def _node(label: str, props: dict[str, Any]) -> Node:
    return Node(label=Label(label), id=props["id"], properties=props)


def _ids_by_label(refs: Iterable[NodeRef]) -> dict[Label, list[str]]:
    out: dict[Label, dict[str, None]] = {}
    for ref in refs:
        out.setdefault(ref.label, {})[ref.id] = None
    return {label: list(ids) for label, ids in out.items()}


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
