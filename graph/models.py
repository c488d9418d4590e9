"""Values that cross the graph contract: node references, batches, query results."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from graph.errors import InvalidVocabularyError
from graph.schema import (
    OUTCOME_METRICS,
    SEALED_LABELS,
    STORE_OWNED_LABELS,
    Label,
    RelType,
)

# A property value both backends can store: a primitive or a list of primitives.
PropertyValue = str | int | float | bool | None | list[str] | list[int] | list[float]
Properties = dict[str, Any]
TruncatedReason = Literal["nodes", "edges", "time"]


@dataclass(frozen=True, slots=True)
class NodeRef:
    """Identifies one node: its label and its id (ids are unique per label)."""

    label: Label
    id: str

    def __str__(self) -> str:
        return f"{self.label.value}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> NodeRef:
        """Parse ``Label:id``; raises ``ValueError`` if the label part is not a label."""
        label, sep, node_id = text.partition(":")
        if not sep or not node_id:
            raise ValueError(f"expected 'Label:id', got {text!r}")
        return cls(label=Label(label), id=node_id)


@dataclass(slots=True)
class Node:
    """A node with its properties (``id`` is repeated inside ``properties``)."""

    label: Label
    id: str
    properties: Properties = field(default_factory=dict)

    @property
    def ref(self) -> NodeRef:
        return NodeRef(label=self.label, id=self.id)


@dataclass(slots=True)
class Edge:
    """A directed, typed relationship between two nodes."""

    src: NodeRef
    type: RelType
    dst: NodeRef
    properties: Properties = field(default_factory=dict)


@dataclass(slots=True)
class EdgeRows:
    """Many edges of one type from nodes of one label to nodes of another, as columns.

    The bulk form of :class:`Edge` (an ingest writes a few OF and a FROM edge for each of
    hundreds of thousands of outcomes): edge ``i`` goes from ``src_ids[i]`` to
    ``dst_ids[i]`` with ``properties[i]`` (``None``: no properties on any of them).
    """

    src_label: Label
    type: RelType
    dst_label: Label
    src_ids: list[str]
    dst_ids: list[str]
    properties: list[Properties] | None = None

    def __post_init__(self) -> None:
        sizes = {len(self.src_ids), len(self.dst_ids)}
        if self.properties is not None:
            sizes.add(len(self.properties))
        if len(sizes) != 1:
            raise ValueError(f"edge rows of unequal lengths: {sorted(sizes)}")

    def __len__(self) -> int:
        return len(self.src_ids)

    def edges(self) -> list[Edge]:
        """The rows as single edges."""
        src, dst, rel = self.src_label, self.dst_label, self.type
        props = self.properties or [{} for _ in self.src_ids]
        return [
            Edge(NodeRef(src, s), rel, NodeRef(dst, d), dict(p))
            for s, d, p in zip(self.src_ids, self.dst_ids, props, strict=True)
        ]


@dataclass(slots=True)
class GraphBatch:
    """Nodes and edges written in one transaction: all of it lands, or none of it.

    ``edge_rows`` holds edges in bulk (columns); they mean exactly what the same edges in
    ``edges`` would.
    """

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    edge_rows: list[EdgeRows] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.nodes) + self.edge_count

    @property
    def edge_count(self) -> int:
        return len(self.edges) + sum(len(rows) for rows in self.edge_rows)

    def edge_groups(self) -> list[EdgeRows]:
        """Every edge of the batch as rows of one type between two labels: ``edges``
        grouped (properties kept per edge), then ``edge_rows``."""
        groups: dict[tuple[Label, RelType, Label], EdgeRows] = {}
        for e in self.edges:
            key = (e.src.label, e.type, e.dst.label)
            rows = groups.get(key)
            if rows is None:
                rows = groups[key] = EdgeRows(e.src.label, e.type, e.dst.label, [], [], [])
            rows.src_ids.append(e.src.id)
            rows.dst_ids.append(e.dst.id)
            rows.properties.append(e.properties)  # type: ignore[union-attr]  # a list, above
        for rows in groups.values():
            if not any(rows.properties or ()):  # no properties on any: say so once
                rows.properties = None
        return [*groups.values(), *self.edge_rows]

    def expanded(self) -> GraphBatch:
        """The same batch with its edge rows as single edges (after ``edges``)."""
        if not self.edge_rows:
            return self
        edges = [*self.edges, *(e for rows in self.edge_rows for e in rows.edges())]
        return GraphBatch(nodes=self.nodes, edges=edges)

    def for_audit(self) -> GraphBatch:
        """The batch as the audit chain reads it: edge rows expanded when the batch holds
        nodes it seals or a row touches a label it seals or owns (the chain hashes a
        sealed node's edges, and refuses edges of its head one by one)."""
        if not self.edge_rows:
            return self
        audited = SEALED_LABELS | STORE_OWNED_LABELS
        if any(n.label in SEALED_LABELS for n in self.nodes) or any(
            rows.src_label in audited or rows.dst_label in audited for rows in self.edge_rows
        ):
            return self.expanded()
        return self


@dataclass(frozen=True, slots=True)
class Precondition:
    """What a conditional write (``GraphStore.write_if``) expects of one node.

    ``expected=None``: the node must not exist yet (and the batch must create it). A
    mapping: the node must exist and each listed property must have that value (``None``
    meaning the property is absent). This is the compare-and-set that leases, revisions
    and create-once records are built on.
    """

    ref: NodeRef
    expected: Mapping[str, Any] | None = None

    def holds(self, props: Properties | None) -> bool:
        """Whether a node with ``props`` (None: no such node) meets this precondition."""
        if self.expected is None:
            return props is None
        if props is None:
            return False
        return all(props.get(key) == value for key, value in self.expected.items())


@dataclass(slots=True)
class WriteResult:
    """What a batch write did."""

    nodes: int = 0
    edges: int = 0


@dataclass(slots=True)
class Subgraph:
    """Nodes and edges around a root node (neighbourhood or lineage)."""

    root: NodeRef
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False
    # Which budget a walk spent when it stopped early: nodes, edges (read) or time.
    truncated_reason: TruncatedReason | None = None


class OutcomeQuery(BaseModel):
    """Filters and grouping of an outcome aggregate; dates are inclusive."""

    campaign_ids: list[str] | None = None
    channel_ids: list[str] | None = None
    audience_ids: list[str] | None = None
    brand_id: str | None = None
    start: date | None = None
    end: date | None = None
    group_by: tuple[str, ...] = ("campaign_id", "channel_id", "audience_id")
    # The metrics to sum (None: all of OUTCOME_METRICS); the others come back as 0.0. A
    # report that needs only row counts or two metrics spares the store reading the rest
    # (on Neo4j each property of each outcome read is a db hit).
    metrics: tuple[str, ...] | None = None

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        for metric in value:
            if metric not in OUTCOME_METRICS:
                raise InvalidVocabularyError("outcome metric", metric, list(OUTCOME_METRICS))
        return tuple(dict.fromkeys(value))

    def summed(self) -> tuple[str, ...]:
        """The metrics this aggregate sums, in the order of OUTCOME_METRICS."""
        wanted = OUTCOME_METRICS if self.metrics is None else self.metrics
        return tuple(m for m in OUTCOME_METRICS if m in wanted)


class OutcomeTotals(BaseModel):
    """Sums of outcome metrics for one group (keys absent from ``group_by`` are None)."""

    campaign_id: str | None = None
    channel_id: str | None = None
    audience_id: str | None = None
    asset_id: str | None = None
    date: str | None = None
    rows: int = 0
    spend: float = 0.0
    revenue: float = 0.0
    conversions: float = 0.0
    clicks: float = 0.0
    impressions: float = 0.0
    leads: float = 0.0

    @property
    def roas(self) -> float | None:
        return self.revenue / self.spend if self.spend > 0 else None

    @classmethod
    def from_store(cls, fields: dict[str, Any]) -> OutcomeTotals:
        """A group as the store summed it, built without validation: what
        ``model_construct(**fields)`` builds (the same fields, the same fields set), in a
        third of its time. A creative-tests report reads 11,000 groups of the demo, and
        model_construct was most of its Python time."""
        totals = cls.__new__(cls)
        values = _TOTALS_DEFAULTS.copy()
        values.update(fields)
        object.__setattr__(totals, "__dict__", values)
        object.__setattr__(totals, "__pydantic_fields_set__", set(fields))
        object.__setattr__(totals, "__pydantic_extra__", None)
        object.__setattr__(totals, "__pydantic_private__", None)
        return totals


_TOTALS_DEFAULTS: dict[str, Any] = {
    name: info.default for name, info in OutcomeTotals.model_fields.items()
}


@dataclass(frozen=True, slots=True)
class OutcomeKey:
    """Where one outcome row sits: its id and the pair and day it belongs to."""

    id: str
    campaign_id: str | None
    channel_id: str | None
    audience_id: str | None
    date: str | None


class CampaignContext(BaseModel):
    """A campaign with what surrounds it in the graph; every item is a node."""

    campaign: Node
    brand: Node | None = None
    audiences: list[Node] = Field(default_factory=list)
    channels: list[Node] = Field(default_factory=list)
    assets: list[Node] = Field(default_factory=list)
    outcomes_by_channel: list[OutcomeTotals] = Field(default_factory=list)
    decisions: list[Node] = Field(default_factory=list)


class Evidence(BaseModel):
    """One piece of evidence a decision was based on, with how much it counted."""

    ref: NodeRef
    score: float | None = None
    reason: str | None = None


class DecisionRecord(BaseModel):
    """Everything written for one agent decision (the Decision node and its edges)."""

    kind: str
    agent: str
    rationale: str
    algorithm: str
    algorithm_version: str
    confidence: float | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    model: str | None = None
    prompt_digest: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    produced: list[Node] = Field(default_factory=list)
    produced_edges: list[Edge] = Field(default_factory=list)
    corrects: str | None = None
    brand_id: str | None = Field(
        default=None, description="the brand it is about (None: several, or none)"
    )
    id: str = Field(default_factory=lambda: new_id("dec"))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def node(self) -> Node:
        """The Decision node as stored (inputs kept as JSON with their digest)."""
        inputs_json = canonical_json(self.inputs)
        props: Properties = {
            "id": self.id,
            "kind": self.kind,
            "agent": self.agent,
            "rationale": self.rationale,
            "algorithm": self.algorithm,
            "algorithm_version": self.algorithm_version,
            "confidence": self.confidence,
            "inputs": inputs_json,
            "inputs_digest": sha256_hex(inputs_json.encode()),
            "model": self.model,
            "prompt_digest": self.prompt_digest,
            "brand_id": self.brand_id,
            "created_at": self.created_at.isoformat(),
        }
        return Node(label=Label.DECISION, id=self.id, properties=clean_properties(props))


def new_id(prefix: str) -> str:
    """A fresh id for a node the service creates, e.g. ``dec_3f2a…``."""
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal values give equal digests."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_properties(props: Properties) -> Properties:
    """Drop ``None`` values and turn nested objects into JSON strings (storable values only)."""
    out: Properties = {}
    for key, value in props.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out[key] = canonical_json(value)
        elif isinstance(value, list | tuple):
            kinds = {type(v) for v in value}
            if len(kinds) <= 1 and kinds <= {str, int, float, bool}:
                out[key] = list(value)
            else:
                out[key] = canonical_json(list(value))
        elif isinstance(value, datetime | date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
