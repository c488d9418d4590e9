"""The fixed graph vocabulary: node labels, relationship types and how lineage reads them.

Anything interpolated into a query (a label, a relationship type, a property used for
grouping) must pass one of the ``validate_*`` functions below first.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from graph.errors import InvalidVocabularyError


class Label(StrEnum):
    """Node labels of the graph (DESIGN.md core vocabulary plus ``Migration``)."""

    BRAND = "Brand"
    CAMPAIGN = "Campaign"
    AUDIENCE = "Audience"
    CHANNEL = "Channel"
    ASSET = "Asset"
    OUTCOME = "Outcome"
    LEAD = "Lead"
    BRIEF = "Brief"
    PLAN = "Plan"
    ALLOCATION = "Allocation"
    TASK = "Task"
    EXPERIMENT = "Experiment"
    DECISION = "Decision"
    APPROVAL = "Approval"
    EXECUTION = "Execution"
    ALERT = "Alert"
    AGENT = "Agent"
    INGEST_RUN = "IngestRun"
    SOURCE = "Source"
    RESPONSE_CURVE = "ResponseCurve"
    MIGRATION = "Migration"
    INDEX_JOB = "IndexJob"  # index work that failed and waits for a retry
    LINE_STATE = "LineState"  # a channel line as an execution adapter last set it
    OUTBOX_ENTRY = "OutboxEntry"  # an action waiting for (or failed at) webhook delivery
    EVENT = "Event"  # an orchestrator event, kept until every handler has run
    RESEARCH_BRIEF = "ResearchBrief"  # (ResearchBrief)-[:BASED_ON]->(Brief); research output
    ROUTING_POLICY = "RoutingPolicy"  # lead routing rules and owner capacities, as evidence
    AUDIT_HEAD = "AuditHead"  # the last link of the audit chain (graph/audit.py); store-owned


class RelType(StrEnum):
    """Relationship types of the graph; direction is part of the meaning."""

    RUNS = "RUNS"  # (Brand)->(Campaign)
    TARGETS = "TARGETS"  # (Campaign)->(Audience)
    ON = "ON"  # (Campaign)->(Channel)
    USES = "USES"  # (Campaign)->(Asset)
    OF = "OF"  # (Outcome)->(Campaign|Channel|Audience|Asset), (Lead)->(Campaign|Channel)
    MADE_BY = "MADE_BY"  # (Decision)->(Agent)
    BASED_ON = "BASED_ON"  # (Decision)->(evidence) {score}, (ResearchBrief)->(Brief)
    PRODUCED = "PRODUCED"  # (Decision)->(Plan|Allocation|Task|Execution|Alert|...)
    APPROVES = "APPROVES"  # (Approval)->(Decision)
    REJECTS = "REJECTS"  # (Approval)->(Decision)
    SUPERSEDES = "SUPERSEDES"  # (Plan)->(Plan)
    EXECUTES = "EXECUTES"  # (Execution)->(Task)
    RESULT_OF = "RESULT_OF"  # (Outcome)->(Execution)
    FROM = "FROM"  # (node)->(IngestRun)
    READ = "READ"  # (IngestRun)->(Source)
    CORRECTS = "CORRECTS"  # (Decision)->(Decision): a correction points at what it corrects
    BELONGS_TO = "BELONGS_TO"  # (Audience)->(Brand)
    FITTED_ON = "FITTED_ON"  # (ResponseCurve)->(Channel|Audience|Outcome)
    PART_OF = "PART_OF"  # (Task|Allocation)->(Plan)
    DEPENDS_ON = "DEPENDS_ON"  # (Task)->(Task): the second must be done first


# For lineage, an edge (a)-[:T]->(b) is read "a led to b" (FORWARD) or "b led to a"
# (BACKWARD). "up" from a node follows edges towards its causes, "down" towards effects.
FORWARD: Final = "forward"
BACKWARD: Final = "backward"
CAUSAL_DIRECTION: Final[dict[RelType, str]] = {
    RelType.RUNS: FORWARD,
    RelType.TARGETS: BACKWARD,
    RelType.ON: BACKWARD,
    RelType.USES: BACKWARD,
    RelType.OF: BACKWARD,
    RelType.MADE_BY: BACKWARD,
    RelType.BASED_ON: BACKWARD,
    RelType.PRODUCED: FORWARD,
    RelType.APPROVES: FORWARD,
    RelType.REJECTS: FORWARD,
    RelType.SUPERSEDES: BACKWARD,
    RelType.EXECUTES: BACKWARD,
    RelType.RESULT_OF: BACKWARD,
    RelType.FROM: BACKWARD,
    RelType.READ: BACKWARD,
    RelType.CORRECTS: BACKWARD,
    RelType.BELONGS_TO: BACKWARD,
    RelType.FITTED_ON: BACKWARD,
    RelType.PART_OF: BACKWARD,
    RelType.DEPENDS_ON: BACKWARD,
}

# Labels whose nodes are written once and never changed or removed through the contract.
# The audit head is among them for callers (who may never write, update or delete it):
# only the store's own sealer moves it, inside the write transaction (graph/audit.py).
APPEND_ONLY_LABELS: Final = frozenset({Label.DECISION, Label.APPROVAL, Label.AUDIT_HEAD})
# Labels of nodes no batch may carry (nor an edge touch): the store alone writes them.
STORE_OWNED_LABELS: Final = frozenset({Label.AUDIT_HEAD})
# Labels whose new nodes are sealed into the audit chain by the write that creates them.
SEALED_LABELS: Final = frozenset({Label.DECISION, Label.APPROVAL, Label.EXECUTION})

# Properties of Outcome nodes that the aggregate queries sum.
OUTCOME_METRICS: Final = ("spend", "revenue", "conversions", "clicks", "impressions", "leads")
# Properties an outcome aggregate may group by.
OUTCOME_GROUP_KEYS: Final = ("campaign_id", "channel_id", "audience_id", "asset_id", "date")

_PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def validate_label(value: str) -> Label:
    """Return ``value`` as a :class:`Label`, or raise if it is not in the vocabulary."""
    try:
        return Label(value)
    except ValueError:
        raise InvalidVocabularyError("label", value, [m.value for m in Label]) from None


def validate_rel_type(value: str) -> RelType:
    """Return ``value`` as a :class:`RelType`, or raise if it is not in the vocabulary."""
    try:
        return RelType(value)
    except ValueError:
        raise InvalidVocabularyError(
            "relationship type", value, [m.value for m in RelType]
        ) from None


def validate_group_key(value: str) -> str:
    """Check that an outcome grouping key is one of :data:`OUTCOME_GROUP_KEYS`."""
    if value not in OUTCOME_GROUP_KEYS:
        raise InvalidVocabularyError("outcome group key", value, list(OUTCOME_GROUP_KEYS))
    return value


def validate_property_name(value: str) -> str:
    """Check that a property name is a plain identifier (safe to interpolate)."""
    if not isinstance(value, str) or not _PROPERTY_NAME.fullmatch(value):
        raise InvalidVocabularyError("property name", value, ["an identifier like 'created_at'"])
    return value
