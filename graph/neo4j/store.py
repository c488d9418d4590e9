"""The Neo4j backend: the graph contract over Bolt with the official driver.

Every batch is one managed write transaction (the driver retries it on transient
failures, so its work function is idempotent); reads go through managed read
transactions. Cypher lives in :mod:`graph.neo4j.queries`, the work of the write
transactions in :mod:`graph.neo4j.writes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, LiteralString, TypeVar, cast

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
import graph.neo4j.writes as w
from graph import audit
from graph.base import Direction, Directions, GraphStore, Migration
from graph.errors import (
    AppendOnlyViolationError,
    ConstraintViolationError,
    GraphError,
    GraphUnavailableError,
    MigrationError,
    NodeNotFoundError,
    QueryTimeoutError,
)
from graph.lineage import WalkBudget, walk_directions
from graph.lineage import get_lineage as walk_lineage
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
    Subgraph,
    WriteResult,
)
from graph.query import Condition, NodeQuery, Value
from graph.schema import APPEND_ONLY_LABELS, Label, RelType

T = TypeVar("T")
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

    def _read_unit(
        self, work: Callable[[ManagedTransaction], T], timeout: float | None = None
    ) -> T:
        """Run several read queries in one managed read transaction (a timeout in seconds
        raises QueryTimeoutError when the server ends it)."""
        if timeout is not None:
            if timeout < 0.001:  # the driver would round it to 0: no timeout at all
                raise QueryTimeoutError(timeout)
            work = neo4j.unit_of_work(timeout=timeout)(work)
        try:
            with (
                self._translated("read"),
                self._driver.session(database=self._database) as session,
            ):
                return session.execute_read(work)
        except GraphError as e:
            cause = e.__cause__
            if timeout is not None and isinstance(cause, Neo4jError) and _timed_out(cause):
                raise QueryTimeoutError(timeout) from cause
            raise

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
        batch = batch.for_audit()
        chained = audit.touches_chain(batch)
        plan = w.plan_batch(batch)
        if plan:
            with self._translated("write"), self._driver.session(database=self._database) as s:
                try:  # new nodes created, not merged (a bulk write's nodes are mostly new)
                    s.execute_write(w.write_batch, batch, plan, self._chunk_rows, (), chained, True)
                except ConstraintError:  # another writer created one of them meanwhile
                    s.execute_write(w.write_batch, batch, plan, self._chunk_rows, (), chained)
        return WriteResult(nodes=len(batch.nodes), edges=batch.edge_count)

    def _write_if(self, batch: GraphBatch, preconditions: list[Precondition]) -> bool:
        batch = batch.for_audit()
        chained = audit.touches_chain(batch)
        plan = w.plan_batch(batch)
        try:
            with self._translated("write"), self._driver.session(database=self._database) as s:
                s.execute_write(
                    w.write_batch, batch, plan, self._chunk_rows, preconditions, chained
                )
        except w.PreconditionFailed:
            return False
        return True

    # -- reads -----------------------------------------------------------------------------
    def get_node(self, ref: NodeRef) -> Node | None:
        found = self.get_nodes([ref])
        return found[0] if found else None

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        if not refs:
            return []
        query, params = _nodes_query(refs)
        return _nodes_in_order(refs, self._read(query, **params)[0]["rows"])

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        return {r["id"] for r in self._read(q.existing_ids(label), ids=wanted)}

    def labels_of(self, node_id: str) -> list[Label]:
        labels = [Label(r["label"]) for r in self._read(q.LABELS_OF_ID, id=node_id)]
        # As the embedded backend lists them: by label name, then Outcome last.
        return sorted(set(labels), key=lambda lab: (lab is Label.OUTCOME, lab.value))

    def _count(self, label: Label | None) -> int:
        return int(self._read(q.count_nodes(label))[0]["n"])

    def _count_where(self, label: Label, where: dict[str, Condition]) -> int:
        query, params = q.count_where(label, where)
        return int(self._read(query, **params)[0]["n"])

    def _count_by(
        self, label: Label, keys: tuple[str, ...], where: dict[str, Condition]
    ) -> dict[tuple[Value, ...], int]:
        query, params = q.count_by(label, keys, where)
        out: dict[tuple[Value, ...], int] = {}
        for r in self._read(query, **params):
            found = tuple(_group_value(r[f"k{i}"]) for i in range(len(keys)))
            out[found] = out.get(found, 0) + int(r["n"])
        return out

    def _find(self, query: NodeQuery) -> list[Node]:
        text, params = q.find(query)
        return [_node(query.label, props) for props in self._read(text, **params)[0]["rows"]]

    def count_edges(self, rel_type: RelType | None = None) -> int:
        return int(self._read(q.count_edges(rel_type))[0]["n"])

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
        update = {k: v for k, v in changes.items() if k != "id"}
        with self._translated("update"), self._driver.session(database=self._database) as s:
            props = s.execute_write(w.update_node, ref, dict(expect), update)
        return None if props is None else _node(ref.label, props)

    def delete_nodes(self, refs: Sequence[NodeRef]) -> int:
        for ref in refs:
            if ref.label in APPEND_ONLY_LABELS:
                raise AppendOnlyViolationError(ref.label.value, ref.id)
        wanted = w.ids_by_label(refs)
        if not wanted:
            return 0
        with self._translated("delete"), self._driver.session(database=self._database) as s:
            return s.execute_write(w.delete_nodes, wanted)

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> list[Edge]:
        if not refs or (limit is not None and limit <= 0):
            return []
        query, params = _incident_query(refs, limit_per_node, directions, limit)

        def work(tx: ManagedTransaction) -> dict[NodeRef, list[Edge]]:
            return _incident_found(tx.run(query, params).single(strict=True))

        return _incident_in_order(refs, self._read_unit(work, timeout), limit)

    def get_lineage(
        self,
        ref: NodeRef,
        direction: Direction = "up",
        depth: int = 3,
        limit: int = 500,
        budget: WalkBudget | None = None,
    ) -> Subgraph:
        """The shared walk (:func:`graph.lineage.get_lineage`) in one read transaction: a
        step is one statement, and the walk saves a transaction (and its commit's round
        trip) per step. A walk of depth 3 or less first reads its whole neighbourhood in
        one statement and steps through it (see :class:`_TxReader`): the round trips were
        most of its time. A walk with a deadline keeps a transaction per step, each ended
        by the server when the time left is spent."""
        budget = budget or WalkBudget.of(limit)
        if budget.seconds is not None:
            return super().get_lineage(ref, direction, depth, limit, budget)

        def work(tx: ManagedTransaction) -> Subgraph:
            reader = _TxReader(tx)
            if direction in ("up", "down") and 1 <= depth <= q.MAX_PREFETCH_LEVELS:
                reader.prefetch(ref, depth, walk_directions(direction))
            return walk_lineage(reader, ref, direction, depth, budget)

        return self._read_unit(work)

    # -- domain queries --------------------------------------------------------------------
    def aggregate_outcomes(self, query: OutcomeQuery) -> list[OutcomeTotals]:
        return self._read_unit(lambda tx: _aggregate(tx, query))

    def outcome_keys(self, query: OutcomeQuery) -> list[OutcomeKey]:
        def work(tx: ManagedTransaction) -> list[OutcomeKey]:
            filters, params = _outcome_filters(query)
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


def _outcome_filters(query: OutcomeQuery) -> tuple[list[LiteralString], dict[str, Any]]:
    """The ``FILTER_*`` clauses of ``query`` and their parameters; a brand's campaigns are
    read by the statement itself (no round trip of their own)."""
    filters: list[LiteralString] = []
    params: dict[str, Any] = {}
    if query.brand_id is not None:
        filters.append(q.FILTER_BRAND)
        params["brand_id"] = query.brand_id
    for clause, name, values in (
        (q.FILTER_CAMPAIGNS, "campaign_ids", query.campaign_ids),
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
    filters, params = _outcome_filters(query)
    keys = list(dict.fromkeys(query.group_by))
    width = len(keys)
    summed = query.summed()
    text = q.aggregate_outcomes(query.group_by, filters, summed)
    record = tx.run(text, params).single(strict=True)
    totals: list[OutcomeTotals] = []
    for group in record["groups"]:
        if group[width] == 0:
            continue
        fields: dict[str, Any] = dict(zip(keys, group[:width], strict=True))
        fields["rows"] = int(group[width])
        for metric, value in zip(summed, group[width + 1 :], strict=True):
            fields[metric] = float(value or 0.0)
        # Values straight from the store: built without validation (thousands per report).
        totals.append(OutcomeTotals.from_store(fields))
    return totals


# A short walk's prefetch: at most this many edges per node and nodes per level.
PREFETCH_EDGES = 64
PREFETCH_NODES = 128


class _TxReader:
    """``incident_edges`` and ``get_nodes`` inside one open read transaction (a walk).

    After :meth:`prefetch`, a read that the prefetched neighbourhood answers whole is
    answered from it, with exactly what the statement would return (each node's edges in
    the statement's order, cut at the same limits); any other read goes to the server.
    """

    def __init__(self, tx: ManagedTransaction) -> None:
        self._tx = tx
        self._directions: Directions | None = None
        # A node's first edges (all of them when fewer than PREFETCH_EDGES).
        self._edges: dict[NodeRef, list[Edge]] = {}
        self._nodes: dict[NodeRef, Node] = {}

    def prefetch(self, root: NodeRef, levels: int, directions: Directions) -> None:
        """Read ``levels`` steps around ``root`` along ``directions`` in one statement."""
        out_types = [r for r, d in directions.items() if d == "out"]
        in_types = [r for r, d in directions.items() if d == "in"]
        query = q.walk_prefetch(root.label, levels, out_types, in_types)
        params = {"id": root.id, "per": PREFETCH_EDGES, "nodes": PREFETCH_NODES}
        record = self._tx.run(query, params).single(strict=False)
        if record is None:  # no such node: the walk finds it missing
            return
        self._directions = dict(directions)
        for level in range(levels):
            for label, node_id, props, rows in record[f"level{level}"]:
                here = NodeRef(Label(label), node_id)
                self._nodes[here] = _node(label, props)
                self._edges[here] = [_edge(here, *row) for row in rows]
        for label, _, props in record["last"]:
            node = _node(label, props)
            self._nodes[node.ref] = node

    def _prefetched(
        self, refs: Sequence[NodeRef], limit_per_node: int, directions: Directions | None
    ) -> dict[NodeRef, list[Edge]] | None:
        """Each node's first ``limit_per_node`` edges, when the prefetch holds them all."""
        if directions is None or directions != self._directions:
            return None
        found: dict[NodeRef, list[Edge]] = {}
        for ref in refs:
            edges = self._edges.get(ref)
            if edges is None or (len(edges) >= PREFETCH_EDGES and limit_per_node > len(edges)):
                return None  # not read, or cut before the walk's own limit
            found[ref] = edges[: max(limit_per_node, 0)]
        return found

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,  # the transaction's own (a walk without a deadline)
    ) -> list[Edge]:
        if not refs or (limit is not None and limit <= 0):
            return []
        found = self._prefetched(refs, limit_per_node, directions)
        if found is None:
            query, params = _incident_query(refs, limit_per_node, directions, limit)
            found = _incident_found(self._tx.run(query, params).single(strict=True))
        return _incident_in_order(refs, found, limit)

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        if not refs:
            return []
        if all(ref in self._nodes for ref in refs):
            return [self._nodes[ref] for ref in refs]
        query, params = _nodes_query(refs)
        return _nodes_in_order(refs, self._tx.run(query, params).single(strict=True)["rows"])


def _nodes_query(refs: Sequence[NodeRef]) -> tuple[LiteralString, dict[str, Any]]:
    wanted = _ids_by_label(refs, ordered=True)
    params = {f"ids{i}": ids for i, ids in enumerate(wanted.values())}
    return q.nodes_of(list(wanted)), params


def _nodes_in_order(refs: Sequence[NodeRef], rows: list[Any]) -> list[Node]:
    found: dict[NodeRef, Node] = {}
    for label, props in rows:
        node = _node(label, props)
        found.setdefault(node.ref, node)
    return [found[r] for r in refs if r in found]


def _incident_query(
    refs: Sequence[NodeRef],
    limit_per_node: int,
    directions: Directions | None,
    limit: int | None,
) -> tuple[LiteralString, dict[str, Any]]:
    wanted = _ids_by_label(refs, ordered=True)  # one query text per set of labels
    out_types = in_types = None
    if directions is not None:
        out_types = [r for r, d in directions.items() if d == "out"]
        in_types = [r for r, d in directions.items() if d == "in"]
    params: dict[str, Any] = {"limit": max(limit_per_node, 0)}
    params.update({f"ids{i}": ids for i, ids in enumerate(wanted.values())})
    if limit is not None:
        params["total"] = limit
    query = q.incident_edges(list(wanted), out_types, in_types, total=limit is not None)
    return query, params


def _incident_found(record: neo4j.Record) -> dict[NodeRef, list[Edge]]:
    """Each label's part is a prefix (in the order of refs) of its label's edges: together
    they hold the first ``limit`` edges in the order of refs."""
    found: dict[NodeRef, list[Edge]] = {}
    for label, node_id, *rest in record["rows"]:
        here = NodeRef(label=Label(label), id=node_id)
        found.setdefault(here, []).append(_edge(here, *rest))
    return found


def _edge(
    here: NodeRef, rel: str, outgoing: bool, other_label: str, other_id: str, props: Any
) -> Edge:
    """An edge of ``here`` as :func:`graph.neo4j.queries.incident_edges` describes it."""
    other = NodeRef(label=Label(other_label), id=other_id)
    src, dst = (here, other) if outgoing else (other, here)
    return Edge(src=src, type=RelType(rel), dst=dst, properties=props)


def _incident_in_order(
    refs: Sequence[NodeRef], found: dict[NodeRef, list[Edge]], limit: int | None
) -> list[Edge]:
    edges = [edge for ref in dict.fromkeys(refs) for edge in found.get(ref, [])]
    return edges if limit is None else edges[:limit]


# -- helpers -------------------------------------------------------------------------------
def _node(label: str, props: dict[str, Any]) -> Node:
    return Node(label=Label(label), id=props["id"], properties=props)


def _ids_by_label(refs: Iterable[NodeRef], ordered: bool = False) -> dict[Label, list[str]]:
    """The ids of ``refs`` by label (labels in the order met, or by name if ``ordered``)."""
    out: dict[Label, dict[str, None]] = {}
    for ref in refs:
        out.setdefault(ref.label, {})[ref.id] = None
    labels = sorted(out, key=lambda lab: lab.value) if ordered else list(out)
    return {label: list(out[label]) for label in labels}


def _group_value(value: Any) -> Value:
    return tuple(value) if isinstance(value, list) else cast(Value, value)


def _timed_out(error: Neo4jError) -> bool:
    """Whether the server ended the transaction for taking longer than its timeout."""
    return "TransactionTimedOut" in (error.code or "")
