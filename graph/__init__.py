"""The graph layer: vocabulary, the GraphStore contract and its two backends."""

from graph.base import Direction, GraphStore, Migration
from graph.errors import (
    AmbiguousNodeIdError,
    AppendOnlyViolationError,
    ConstraintViolationError,
    DanglingReferenceError,
    GraphError,
    GraphUnavailableError,
    InvalidVocabularyError,
    MigrationChecksumError,
    MigrationError,
    NodeNotFoundError,
)
from graph.models import (
    CampaignContext,
    DecisionRecord,
    Edge,
    Evidence,
    GraphBatch,
    Node,
    NodeRef,
    OutcomeQuery,
    OutcomeTotals,
    Subgraph,
    WriteResult,
)
from graph.schema import Label, RelType

__all__ = [
    "AmbiguousNodeIdError",
    "AppendOnlyViolationError",
    "CampaignContext",
    "ConstraintViolationError",
    "DanglingReferenceError",
    "DecisionRecord",
    "Direction",
    "Edge",
    "Evidence",
    "GraphBatch",
    "GraphError",
    "GraphStore",
    "GraphUnavailableError",
    "InvalidVocabularyError",
    "Label",
    "Migration",
    "MigrationChecksumError",
    "MigrationError",
    "Node",
    "NodeNotFoundError",
    "NodeRef",
    "OutcomeQuery",
    "OutcomeTotals",
    "RelType",
    "Subgraph",
    "WriteResult",
]
