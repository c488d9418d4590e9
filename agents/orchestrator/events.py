"""The event bus: durable events in the graph, handled by in-process subscribers.

An event is written as an ``Event`` node before anything handles it, with an id derived
from its type and idempotency key, so publishing the same fact twice is one event. Any
process may then claim a pending event (a compare-and-set with a lease), run the
subscribers of its type and mark it handled; a process that dies mid-way leaves a lease
that expires, and the event is handled again. Subscribers must therefore be idempotent,
which they are by construction: every side effect they cause carries its own key. A
handler that keeps failing leaves the event ``failed`` with its error, visible, never
dropped. Nothing here assumes a single process.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agents.orchestrator.errors import UnknownEventError
from agents.orchestrator.observers import Observers, WorkDone
from graph.base import GraphStore
from graph.models import (
    GraphBatch,
    Node,
    NodeRef,
    PropertyValue,
    canonical_json,
    clean_properties,
    sha256_hex,
)
from graph.query import Condition, In, Range
from graph.schema import Label

log = logging.getLogger("marketgraph.events")

EVENT_TYPES: tuple[str, ...] = (
    "brief_received",
    "plan_ready",
    "plan_approved",
    "plan_rejected",
    "execution_requested",
    "task_finished",
    "approval_recorded",
    "outcomes_ingested",
    "kpi_breached",
    "replan_proposed",
)
PENDING, RUNNING, HANDLED, FAILED = "pending", "running", "handled", "failed"
MAX_ATTEMPTS = 5
LEASE_SECONDS = 120.0
RETRY_SECONDS = 10.0  # first back-off after a failed handler; doubles each time

Handler = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    """Something that happened, to be handled once by the subscribers of its type."""

    type: str
    key: str  # idempotency key: the same (type, key) is the same event
    subject: str | None = None  # the node it is about, as "Label:id"
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise UnknownEventError(self.type, EVENT_TYPES)

    @property
    def id(self) -> str:
        return "evt_" + sha256_hex(f"{self.type}|{self.key}".encode())[:24]

    @classmethod
    def from_node(cls, node: Node) -> Event:
        p = node.properties
        payload = p.get("payload")
        return cls(
            type=str(p["type"]),
            key=str(p["key"]),
            subject=None if p.get("subject") is None else str(p["subject"]),
            payload=json.loads(payload) if isinstance(payload, str) else {},
        )


class EventBus:
    """Publishes events into the graph and runs this process's subscribers on them."""

    def __init__(
        self,
        store: GraphStore,
        worker: str,
        *,
        lease_seconds: float = LEASE_SECONDS,
        observers: Observers | None = None,
    ) -> None:
        self.store = store
        self.worker = worker
        self.lease_seconds = lease_seconds
        self.observers = observers or Observers()  # told of every handler run
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, event_type: str, handler: Handler) -> None:
        if event_type not in EVENT_TYPES:
            raise UnknownEventError(event_type, EVENT_TYPES)
        self._handlers.setdefault(event_type, []).append(handler)

    def publish(self, event: Event, now: datetime | None = None) -> bool:
        """Record ``event`` (once per type and key); returns False if it was known already."""
        ref = NodeRef(label=Label.EVENT, id=event.id)
        if self.store.get_node(ref) is not None:
            return False
        now = now or datetime.now(UTC)
        props = {
            "id": event.id,
            "type": event.type,
            "key": event.key,
            "subject": event.subject,
            "payload": canonical_json(event.payload),
            "status": PENDING,
            "attempts": 0,
            "created_at": now.isoformat(),
            "next_attempt_at": now.isoformat(),
        }
        node = Node(label=Label.EVENT, id=event.id, properties=clean_properties(props))
        self.store.write(GraphBatch(nodes=[node]))
        return True

    def process_pending(self, now: datetime | None = None, limit: int = 100) -> int:
        """Claim and handle due events (expired leases included); returns how many ran."""
        now = now or datetime.now(UTC)
        due = self._due(now, limit)
        handled = 0
        for node in due:
            claimed = self._claim(node, now)
            if claimed is None:
                continue
            self._handle(claimed, now)
            handled += 1
        return handled

    def counts(self) -> dict[str, int]:
        """Events by status (for /readyz and metrics), counted by the store."""
        found = self.store.count_by(
            Label.EVENT, "status", {"status": In([PENDING, RUNNING, FAILED])}
        )
        return {status: found.get(status, 0) for status in (PENDING, RUNNING, FAILED)}

    # -- internals -----------------------------------------------------------------------
    def _due(self, now: datetime, limit: int) -> list[Node]:
        """The oldest ``limit`` events due now: pending ones whose next attempt has come,
        running ones whose lease has expired (a missing time counts as past)."""
        stamp = now.isoformat()
        due: list[Node] = []
        wheres: list[dict[str, Condition]] = [
            {"status": PENDING, "next_attempt_at": Range(lte=stamp)},
            {"status": PENDING, "next_attempt_at": None},
            {"status": RUNNING, "lease_until": Range(lt=stamp)},
            {"status": RUNNING, "lease_until": None},
        ]
        for where in wheres:
            due += self.store.find(Label.EVENT, where, order_by="created_at", limit=limit)
        due.sort(key=lambda n: (str(n.properties.get("created_at", "")), n.id))
        return due[:limit]

    def _claim(self, node: Node, now: datetime) -> Node | None:
        p = node.properties
        expect = {k: p.get(k) for k in ("status", "attempts", "lease_until")}
        lease = (now + timedelta(seconds=self.lease_seconds)).isoformat()
        changes: dict[str, PropertyValue] = {
            "status": RUNNING,
            "owner": self.worker,
            "lease_until": lease,
            "attempts": int(p.get("attempts", 0)) + 1,
        }
        return self.store.update_if(node.ref, expect, changes)

    def _handle(self, node: Node, now: datetime) -> None:
        event = Event.from_node(node)
        attempts = int(node.properties.get("attempts", 1))
        mine: dict[str, PropertyValue] = {
            "status": RUNNING,
            "owner": self.worker,
            "attempts": attempts,
        }
        try:
            for handler in self._handlers.get(event.type, []):
                started = time.perf_counter()
                try:
                    handler(event)
                except Exception:
                    result = "retrying" if attempts < MAX_ATTEMPTS else "failed"
                    self._observed(handler, event, result, started)
                    raise
                self._observed(handler, event, "done", started)
        except Exception as e:  # a failing handler must not stop the bus; it is recorded
            log.warning(
                "handler of %s %s failed: %s: %s", event.type, event.key, type(e).__name__, e
            )
            log.debug("handler of %s %s failed", event.type, event.key, exc_info=True)
            retry = attempts < MAX_ATTEMPTS
            delay = timedelta(seconds=RETRY_SECONDS * 2 ** (attempts - 1))
            self.store.update_if(
                node.ref,
                mine,
                {
                    "status": PENDING if retry else FAILED,
                    "last_error": f"{type(e).__name__}: {e}"[:500],
                    "next_attempt_at": (now + delay).isoformat(),
                    "lease_until": None,
                },
            )
            return
        self.store.update_if(
            node.ref,
            mine,
            {"status": HANDLED, "handled_at": datetime.now(UTC).isoformat(), "lease_until": None},
        )

    def _observed(self, handler: Handler, event: Event, result: str, started: float) -> None:
        """Tell the observers; the agent is the handler's owner (its ``name``), else the
        orchestrator's own bookkeeping."""
        owner = getattr(getattr(handler, "__self__", None), "name", None)
        agent = owner if isinstance(owner, str) else "orchestrator"
        elapsed = time.perf_counter() - started
        self.observers.notify(WorkDone(agent, result, elapsed, event=event.type))
