"""Outbox entries: actions waiting for webhook delivery, as ``OutboxEntry`` nodes.

An entry is written in the same transaction as its Execution (same id), holds the exact
body every attempt sends, and moves ``pending → delivering → delivered`` (or back to
``pending`` with a later ``next_attempt_at`` after a failed attempt, or to ``failed`` when
attempts run out or the receiver refuses it). Every change is a compare-and-set on the
entry's ``rev``, so two workers never both own it. Delivered entries leave the outbox
(their Execution keeps ``delivered_at``, attempts and the receiver's reference); failed
ones stay, listed, until retried by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.channels.errors import OutboxEntryNotFoundError, OutboxStateError
from agents.channels.journal import execution_id
from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef, Precondition, clean_properties
from graph.schema import Label

EntryStatus = Literal["pending", "delivering", "delivered", "failed"]
STATUSES: tuple[EntryStatus, ...] = ("pending", "delivering", "delivered", "failed")
HISTORY = 20  # attempts kept on an entry


class OutboxEntry(BaseModel):
    """One action to deliver, with its delivery state."""

    id: str = Field(description="same id as the Execution node")
    idempotency_key: str
    adapter: str
    channel_id: str
    payload: str = Field(description="the exact JSON body every attempt sends")
    status: EntryStatus = "pending"
    attempts: int = 0
    max_attempts: int = 8
    next_attempt_at: datetime
    lease_owner: str | None = None
    lease_until: datetime | None = None
    last_error: str | None = None
    last_status: int | None = None
    manual_retries: int = 0
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    rev: int = 1

    @property
    def ref(self) -> NodeRef:
        return NodeRef(label=Label.OUTBOX_ENTRY, id=self.id)

    @property
    def execution_ref(self) -> NodeRef:
        return NodeRef(label=Label.EXECUTION, id=self.id)

    def due(self, now: datetime) -> bool:
        """Pending and due, or being delivered by a worker whose lease has run out."""
        if self.status == "pending":
            return self.next_attempt_at <= now
        if self.status == "delivering":
            return self.lease_until is None or self.lease_until <= now
        return False

    def node(self) -> Node:
        props = self.model_dump(mode="json")
        props["history"] = json.dumps(self.history)
        return Node(label=Label.OUTBOX_ENTRY, id=self.id, properties=clean_properties(props))

    def guard(self) -> Precondition:
        """The precondition of any change: nobody changed the entry since it was read."""
        return Precondition(self.ref, {"rev": self.rev})

    def changed(self, **update: Any) -> OutboxEntry:
        """A copy with ``update`` applied, the revision bumped and ``updated_at`` now."""
        return self.model_copy(update={**update, "rev": self.rev + 1, "updated_at": _now()})


def entry_of(node: Node) -> OutboxEntry:
    props = dict(node.properties)
    props["history"] = json.loads(props.get("history") or "[]")
    return OutboxEntry.model_validate(props)


def list_entries(store: GraphStore, status: EntryStatus | None = None) -> list[OutboxEntry]:
    """Entries in the outbox (optionally of one status), oldest first."""
    where = {} if status is None else {"status": status}
    found = store.find_all(Label.OUTBOX_ENTRY, where)
    return sorted((entry_of(n) for n in found), key=lambda e: (e.created_at, e.id))


def get_entry(store: GraphStore, entry_id: str) -> OutboxEntry:
    """An entry by its id (``exe_…``) or by its action's idempotency key."""
    for candidate in (entry_id, execution_id(entry_id)):
        node = store.get_node(NodeRef(label=Label.OUTBOX_ENTRY, id=candidate))
        if node is not None:
            return entry_of(node)
    for candidate in (entry_id, execution_id(entry_id)):
        execution = store.get_node(NodeRef(label=Label.EXECUTION, id=candidate))
        if execution is not None and execution.properties.get("status") == "delivered":
            when = execution.properties.get("delivered_at")
            raise OutboxStateError(f"{candidate} was delivered at {when}; nothing to retry")
    raise OutboxEntryNotFoundError(entry_id)


def retry_entry(store: GraphStore, entry_id: str, by: str = "unknown") -> OutboxEntry:
    """Send a failed (or waiting) entry again now, with a fresh count of attempts; the
    retry is noted in the entry's history with ``by`` (who asked)."""
    entry = get_entry(store, entry_id)
    if entry.status == "delivering":
        raise OutboxStateError(
            f"{entry.id} is being delivered by {entry.lease_owner} (lease until "
            f"{entry.lease_until}); retry it if it is still there after that"
        )
    if entry.status == "delivered":  # delivered, not yet removed from the outbox
        raise OutboxStateError(f"{entry.id} was delivered at {entry.delivered_at}")
    now = _now()
    note = {"at": now.isoformat(), "event": f"retried by hand from {entry.status}", "by": by}
    again = entry.changed(
        status="pending",
        attempts=0,
        next_attempt_at=now,
        manual_retries=entry.manual_retries + 1,
        history=[*entry.history, note][-HISTORY:],
    )
    nodes = [again.node()]
    execution = store.get_node(entry.execution_ref)
    if execution is not None and execution.properties.get("status") == "failed":
        props = {**execution.properties, "status": "pending"}
        nodes.append(Node(label=Label.EXECUTION, id=execution.id, properties=props))
    if not store.write_if(GraphBatch(nodes=nodes), [entry.guard()]):
        raise OutboxStateError(f"{entry.id} changed while retrying it; look at it again")
    return again


def _now() -> datetime:
    return datetime.now(UTC)
