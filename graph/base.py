"""The graph contract: what the service needs of its system of record.

Two backends implement it with the same behaviour (one contract test suite runs against
both): :mod:`graph.neo4j` (Neo4j 5 over Bolt) and :mod:`graph.embedded` (SQLite + networkx).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Literal, overload

from graph.decisions import record_decision
from graph.errors import AmbiguousNodeIdError, NodeNotFoundError
from graph.lineage import WalkBudget, get_lineage, get_neighbourhood
from graph.models import (
    CampaignContext,
    DecisionRecord,
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
from graph.query import Condition, NodeQuery, Range, Value, Where, check_where
from graph.schema import Label, RelType, validate_property_name

Direction = Literal["up", "down"]
# Which relationship types to follow, and whether out of ("out") or into ("in") the node.
Directions = Mapping[RelType, Literal["out", "in"]]


class Migration:
    """One schema migration: uniqueness constraints and indexes, declared per label."""

    def __init__(
        self,
        migration_id: str,
        checksum: str,
        description: str,
        unique: Sequence[tuple[Label, str]] = (),
        indexes: Sequence[tuple[Label, tuple[str, ...]]] = (),
    ) -> None:
        self.id = migration_id
        self.checksum = checksum
        self.description = description
        self.unique = list(unique)
        self.indexes = list(indexes)

    def node(self) -> Node:
        """The node that records this migration as applied."""
        props = {
            "id": self.id,
            "checksum": self.checksum,
            "description": self.description,
            "applied_at": datetime.now(UTC).isoformat(),
        }
        return Node(label=Label.MIGRATION, id=self.id, properties=props)


class GraphStore(ABC):
    """The system of record. Every write is one transaction; every query is parameterised."""

    backend: str

    # -- lifecycle -------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    @abstractmethod
    def ping(self) -> None:
        """Raise :class:`GraphUnavailableError` when the store cannot answer."""

    def data_version(self) -> object | None:
        """An opaque value that changes whenever the stored data may have changed, by this
        process or another, for caching what is read from it; None when the backend cannot
        tell cheaply (then nothing read from it is cached)."""
        return None

    # -- schema ----------------------------------------------------------------------
    @abstractmethod
    def applied_migrations(self) -> dict[str, str]:
        """Ids of the migrations already applied, with their recorded checksums."""

    @abstractmethod
    def apply_migration(self, migration: Migration) -> None:
        """Create the migration's constraints and indexes and record it (idempotent)."""

    # -- nodes and edges -------------------------------------------------------------
    @abstractmethod
    def write(self, batch: GraphBatch) -> WriteResult:
        """Upsert nodes by (label, id) and edges by (src, type, dst) in one transaction.

        A node's properties are replaced by the batch's; an edge whose end is neither in
        the graph nor in the batch raises :class:`DanglingReferenceError`, and an existing
        append-only node raises :class:`AppendOnlyViolationError`; either way nothing of
        the batch is written. New decisions, approvals and executions are sealed into the
        audit chain by the same transaction (their ``audit_*`` properties are the store's:
        a rewrite keeps the stored ones; see :mod:`graph.audit`).
        """

    def write_if(self, batch: GraphBatch, preconditions: Sequence[Precondition]) -> bool:
        """Write ``batch`` in one transaction only if every precondition holds then.

        Returns False (and writes nothing) when one does not. Two writers racing on the
        same precondition cannot both win: the check and the write are one transaction,
        serialised on the node (embedded: SQLite's write lock; Neo4j: a write lock on the
        node, or the uniqueness constraint for a node that must not exist yet).
        """
        created = {n.ref for n in batch.nodes}
        for p in preconditions:
            if p.expected is None and p.ref not in created:
                raise ValueError(f"precondition on {p.ref}: a node expected absent must be created")
        return self._write_if(batch, list(preconditions))

    @abstractmethod
    def _write_if(self, batch: GraphBatch, preconditions: list[Precondition]) -> bool:
        """Backend part of :meth:`write_if` (preconditions already checked for shape)."""

    @abstractmethod
    def get_node(self, ref: NodeRef) -> Node | None:
        """The node, or None."""

    @abstractmethod
    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` exist as nodes of ``label``."""

    @abstractmethod
    def labels_of(self, node_id: str) -> list[Label]:
        """Labels of every node whose id is ``node_id`` (usually one)."""

    def count(self, label: Label | None = None, where: Where | None = None) -> int:
        """Number of nodes (of one label, or of all); with ``where``, of ``label``'s
        nodes matching it (see :mod:`graph.query`)."""
        if not where:
            return self._count(label)
        if label is None:
            raise ValueError("a count with conditions needs a label")
        return self._count_where(label, check_where(label, where))

    @overload
    def count_by(self, label: Label, key: str, where: Where | None = None) -> dict[Value, int]: ...

    @overload
    def count_by(
        self, label: Label, key: tuple[str, ...], where: Where | None = None
    ) -> dict[tuple[Value, ...], int]: ...

    def count_by(
        self, label: Label, key: str | tuple[str, ...], where: Where | None = None
    ) -> dict[Value, int] | dict[tuple[Value, ...], int]:
        """How many of ``label``'s nodes matching ``where`` hold each value of ``key``
        (None: those without it; a list value as a tuple), or each combination of the
        values of several keys (a tuple of names: the answer's keys are tuples)."""
        keys = (key,) if isinstance(key, str) else tuple(key)
        if not keys:
            raise ValueError("count_by needs at least one key")
        checked = tuple(validate_property_name(k) for k in keys)
        counts = self._count_by(label, checked, check_where(label, where))
        if isinstance(key, str):
            return {k[0]: n for k, n in counts.items()}
        return counts

    def find(
        self,
        label: Label,
        where: Where | None = None,
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Node]:
        """``label``'s nodes matching ``where``, ordered by ``order_by`` (absent values
        last, ties by id; by id without it), ``offset`` skipped, at most ``limit``.

        Conditions are equality, :class:`~graph.query.In`, :class:`~graph.query.Range`
        and None for an absent property (see :mod:`graph.query`).
        """
        query = NodeQuery.of(
            label, where, order_by=order_by, descending=descending, limit=limit, offset=offset
        )
        return self._find(query)

    @abstractmethod
    def _find(self, query: NodeQuery) -> list[Node]:
        """Backend part of :meth:`find` (the query checked)."""

    @abstractmethod
    def _count(self, label: Label | None) -> int:
        """Number of nodes (of one label, or of all)."""

    @abstractmethod
    def _count_where(self, label: Label, where: dict[str, Condition]) -> int:
        """Backend part of :meth:`count` with conditions (checked)."""

    @abstractmethod
    def _count_by(
        self, label: Label, keys: tuple[str, ...], where: dict[str, Condition]
    ) -> dict[tuple[Value, ...], int]:
        """Backend part of :meth:`count_by` (keys and conditions checked)."""

    def find_all(
        self, label: Label, where: Where | None = None, page: int = 5000
    ) -> Iterator[Node]:
        """Every node of ``label`` matching ``where``, by id, read ``page`` at a time (each
        page starts after the last id of the one before, so none is read twice)."""
        conditions = dict(where or {})
        if "id" in conditions:
            raise ValueError("find_all pages by id: use find for a condition on id")
        last: str | None = None
        while True:
            if last is not None:
                conditions["id"] = Range(gt=last)
            found = self.find(label, conditions, limit=page)
            yield from found
            if len(found) < page:
                return
            last = found[-1].id

    @abstractmethod
    def count_edges(self, rel_type: RelType | None = None) -> int:
        """Number of relationships (of one type, or of all)."""

    def list_nodes(self, label: Label, limit: int = 100, offset: int = 0) -> list[Node]:
        """Nodes of one label ordered by id, a page at a time."""
        return self.find(label, limit=max(limit, 0), offset=max(offset, 0))

    @abstractmethod
    def delete_nodes(self, refs: Sequence[NodeRef]) -> int:
        """Remove these nodes and every edge touching them, in one transaction.

        Append-only nodes (decisions, approvals) raise AppendOnlyViolationError and nothing
        is removed. Absent nodes are ignored; returns how many were removed.
        """

    def find_nodes(
        self, label: Label, where: Mapping[str, str | int | float | bool], limit: int = 100
    ) -> list[Node]:
        """Nodes of ``label`` whose properties equal every value of ``where``, by id
        (:meth:`find` with equalities only)."""
        return self.find(label, where, limit=max(limit, 0))

    @abstractmethod
    def update_if(
        self,
        ref: NodeRef,
        expect: Mapping[str, PropertyValue],
        changes: Mapping[str, PropertyValue],
    ) -> Node | None:
        """Set ``changes`` on the node, atomically, if its properties match ``expect``.

        A None in ``expect`` matches an absent property; a None in ``changes`` removes
        one. Returns the updated node, or None when the node is absent or does not match
        (someone else changed it first): a compare-and-set that several processes can use
        to claim work. Append-only nodes raise AppendOnlyViolationError.
        """

    @abstractmethod
    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        """The nodes that exist among ``refs``, in the order given."""

    @abstractmethod
    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> list[Edge]:
        """Edges touching each of ``refs``, at most ``limit_per_node`` per node, ordered by
        type, then the other end's label and id. With ``directions``, only edges of those
        types in that direction (the limit counts only those); without, all of them.

        Nodes are taken in the order of ``refs``; with ``limit``, at most that many edges
        in all (the first ones of that order). A read that takes longer than ``timeout``
        seconds raises :class:`QueryTimeoutError`.
        """

    # -- domain queries --------------------------------------------------------------
    @abstractmethod
    def get_campaign_context(
        self, campaign_id: str, start: date | None = None, end: date | None = None
    ) -> CampaignContext:
        """A campaign with its brand, audiences, channels, assets, per-channel outcome
        totals over the date range and the decisions linked to it."""

    @abstractmethod
    def aggregate_outcomes(self, query: OutcomeQuery) -> list[OutcomeTotals]:
        """Sums of outcome metrics grouped by ``query.group_by``, ordered by those keys."""

    @abstractmethod
    def outcome_keys(self, query: OutcomeQuery) -> list[OutcomeKey]:
        """The outcome rows matching ``query``'s filters (its grouping is ignored), by id."""

    # -- operations built on the primitives above -----------------------------------
    def record_decision(self, decision: DecisionRecord) -> Node:
        """Write a Decision with MADE_BY, BASED_ON and PRODUCED edges, in one transaction.

        Decisions are append-only: writing an id twice raises AppendOnlyViolationError.
        Evidence must already exist (or be produced by the same decision).
        """
        return record_decision(self, decision)

    def get_neighbourhood(self, ref: NodeRef, limit: int = 100) -> Subgraph:
        """The node, its direct neighbours and the edges to them (at most ``limit``)."""
        return get_neighbourhood(self, ref, limit)

    def get_lineage(
        self,
        ref: NodeRef,
        direction: Direction = "up",
        depth: int = 3,
        limit: int = 500,
        budget: WalkBudget | None = None,
    ) -> Subgraph:
        """Nodes and edges that led to (up) or followed from (down) a node, breadth first,
        within ``budget`` (by default ``limit`` nodes and the edges and time that
        :meth:`WalkBudget.of` gives them); a walk that stops early says why."""
        return get_lineage(self, ref, direction, depth, budget or WalkBudget.of(limit))

    # -- shared helpers --------------------------------------------------------------
    def resolve(self, node_id: str) -> NodeRef:
        """Turn ``Label:id`` or a bare id into a reference to an existing node."""
        label_part, sep, rest = node_id.partition(":")
        if sep and label_part in Label.__members__.values():
            ref = NodeRef(label=Label(label_part), id=rest)
            if self.get_node(ref) is None:
                raise NodeNotFoundError(rest, label_part)
            return ref
        labels = self.labels_of(node_id)
        if not labels:
            raise NodeNotFoundError(node_id)
        if len(labels) > 1:
            raise AmbiguousNodeIdError(node_id, [lab.value for lab in labels])
        return NodeRef(label=labels[0], id=node_id)

    def require_node(self, ref: NodeRef) -> Node:
        node = self.get_node(ref)
        if node is None:
            raise NodeNotFoundError(ref.id, ref.label.value)
        return node
