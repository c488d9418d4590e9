"""What the execution agents share: decisions recorded once per step."""

from __future__ import annotations

from graph.base import GraphStore
from graph.errors import AppendOnlyViolationError
from graph.models import DecisionRecord, sha256_hex


def decision_id_for(key: str, kind: str) -> str:
    """A decision id derived from a step's idempotency key: a re-run finds its decision."""
    return "dec_" + sha256_hex(f"{key}|{kind}".encode())[:20]


def record_once(store: GraphStore, decision: DecisionRecord) -> bool:
    """Record ``decision`` unless a worker before this one already did; True if recorded."""
    try:
        store.record_decision(decision)
    except AppendOnlyViolationError:
        return False
    return True
