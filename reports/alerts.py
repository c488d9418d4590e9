"""Alerts written back to the graph: Alert nodes produced by one append-only Decision.

Alert ids are derived from what they are about (``alert-sla-LEAD``), so asking again
writes nothing new: an alert that exists is reported as such and no second decision is
recorded for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.models import DecisionRecord, Evidence, Node, NodeRef, clean_properties
from graph.schema import Label


class AlertPublic(BaseModel):
    """An alert as stored."""

    id: str
    kind: str = Field(description="sla_breach or handoff_degraded")
    severity: str = Field(description="warning or critical")
    subject: str = Field(description="the node the alert is about, Label:id")
    message: str
    created_at: str
    new: bool = Field(description="written by this call (false: it existed already)")


class AlertsRecorded(BaseModel):
    """What recording alerts did."""

    decision_id: str | None = Field(description="the Decision that produced the new alerts")
    alerts: list[AlertPublic]


@dataclass
class AlertDraft:
    """An alert to write, and the nodes it is based on."""

    id: str
    kind: str
    severity: str
    subject: NodeRef
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)


def record_alerts(
    store: GraphStore,
    drafts: Sequence[AlertDraft],
    *,
    kind: str,
    agent: str,
    algorithm: str,
    rationale: str,
    inputs: dict[str, Any],
) -> AlertsRecorded:
    """Write the drafts that are not stored yet as Alerts PRODUCED by one Decision."""
    existing = store.existing_ids(Label.ALERT, [d.id for d in drafts])
    now = datetime.now(UTC).isoformat()
    fresh = [d for d in drafts if d.id not in existing]
    old = {n.id: n for n in store.get_nodes([NodeRef(Label.ALERT, i) for i in existing])}
    decision_id = None
    if fresh:
        produced = [
            Node(
                Label.ALERT,
                d.id,
                clean_properties(
                    {
                        **d.properties,
                        "id": d.id,
                        "kind": d.kind,
                        "severity": d.severity,
                        "subject": str(d.subject),
                        "message": d.message,
                        "created_at": now,
                        "status": "open",
                    }
                ),
            )
            for d in fresh
        ]
        evidence: dict[NodeRef, Evidence] = {}
        for d in fresh:
            for item in d.evidence:
                evidence.setdefault(item.ref, item)
        decision = DecisionRecord(
            kind=kind,
            agent=agent,
            rationale=rationale,
            algorithm=algorithm,
            algorithm_version="1",
            inputs={**inputs, "alerts": [d.id for d in fresh]},
            brand_id=inputs.get("brand_id"),
            evidence=list(evidence.values()),
            produced=produced,
        )
        decision_id = store.record_decision(decision).id
    out = []
    for d in drafts:
        stored = old.get(d.id)
        created = str(stored.properties.get("created_at")) if stored else now
        out.append(
            AlertPublic(
                id=d.id,
                kind=d.kind,
                severity=d.severity,
                subject=str(d.subject),
                message=d.message,
                created_at=created,
                new=stored is None,
            )
        )
    return AlertsRecorded(decision_id=decision_id, alerts=out)
