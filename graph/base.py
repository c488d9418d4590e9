"""The graph contract: what the service needs of its system of record.

Two backends implement it with the same behaviour (one contract test suite runs against
both): :mod:`graph.neo4j` (Neo4j 5 over Bolt) and :mod:`graph.embedded` (SQLite + networkx).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Literal

from graph.errors import AmbiguousNodeIdError, NodeNotFoundError
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
from graph.schema import Label, RelType

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

    @abstractmethod
    def count(self, label: Label | None = None) -> int:
        """Number of nodes (of one label, or of all)."""

    @abstractmethod
    def count_edges(self, rel_type: RelType | None = None) -> int:
        """Number of relationships (of one type, or of all)."""

    @abstractmethod
    def list_nodes(self, label: Label, limit: int = 100, offset: int = 0) -> list[Node]:
        """Nodes of one label ordered by id, a page at a time."""

    @abstractmethod
    def delete_nodes(self, refs: Sequence[NodeRef]) -> int:
        """Remove these nodes and every edge touching them, in one transaction.

        Append-only nodes (decisions, approvals) raise AppendOnlyViolationError and nothing
        is removed. Absent nodes are ignored; returns how many were removed.
        """

    @abstractmethod
    def find_nodes(
        self, label: Label, where: Mapping[str, str | int | float | bool], limit: int = 100
    ) -> list[Node]:
        """Nodes of ``label`` whose properties equal every value of ``where``, by id.

        Property names are checked as identifiers; values are parameters. Meant for the
        service's own bookkeeping (pending events, a plan's versions), not for outcomes.
        """

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
    ) -> list[Edge]:
        """Edges touching each of ``refs``, at most ``limit_per_node`` per node, ordered by
        type, then the other end's label and id. With ``directions``, only edges of those
        types in that direction (the limit counts only those); without, all of them."""

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
        self, ref: NodeRef, direction: Direction = "up", depth: int = 3, limit: int = 500
    ) -> Subgraph:
        """Nodes and edges that led to (up) or followed from (down) a node, breadth first."""
        return get_lineage(self, ref, direction, depth, limit)

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


# Imported last: these modules implement the concrete operations over the primitives.
from graph.decisions import record_decision  # noqa: E402
from graph.lineage import get_lineage, get_neighbourhood  # noqa: E402
