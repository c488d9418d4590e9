"""The channel adapter contract: applies actions to one system of channels, once per key.

Subclasses say which lines exist (:meth:`ChannelAdapter._check`), what status an applied
action has and what else is written with its Execution (the webhook adapter's outbox
entry). The apply itself is shared: record intent, state change and receipt in one
conditional write (see :mod:`agents.channels.journal`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime

from agents.channels.base import Action, ActionReceipt, ReceiptStatus
from agents.channels.errors import LineContentionError
from agents.channels.journal import execution_node, execution_ref, find_receipt, replayed
from agents.channels.lines import LineKey, LineState, line_id, read_line, read_lines, state_of
from agents.channels.transitions import transition
from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef, Precondition
from graph.schema import Label, RelType

MAX_RACES = 20  # re-reads of a line that keeps changing before giving up


class ChannelAdapter(ABC):
    """Applies actions to one system of channels, once per idempotency key."""

    name: str
    status: ReceiptStatus = "applied"

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        # What stamps the Executions and line states it writes: the orchestrator's clock
        # once the router hands the adapter out (the machine's clock until then).
        self.now: Callable[[], datetime] = _utc_now

    def apply(self, action: Action) -> ActionReceipt:
        """Apply ``action`` once; a key seen before returns its first receipt.

        One conditional write of the Execution, the line's new state and the adapter's
        side nodes, on two preconditions: no Execution with the key's id yet, and the line
        still at the revision the undo was computed from (re-read and retried otherwise).
        """
        store = self.store
        ref = execution_ref(action.idempotency_key)
        line = NodeRef(label=Label.LINE_STATE, id=line_id(self.name, action.target.line))
        for _ in range(MAX_RACES):
            found = {n.ref: n for n in store.get_nodes([ref, line])}  # one read for both
            if ref in found:
                return replayed(found[ref], action, self.name)
            stored = found.get(line)
            before = (
                state_of(stored) if stored else LineState(adapter=self.name, key=action.target.line)
            )
            self._check(action, before)
            now = self.now()
            after, undo = transition(before, action, ref.id, now.isoformat())
            receipt = ActionReceipt(
                execution_id=ref.id,
                idempotency_key=action.idempotency_key,
                adapter=self.name,
                kind=action.kind,
                status=self.status,
                external_ref=self._external_ref(action, after),
                undo=undo,
                applied_at=now,
                line_id=after.id,
                line_revision=after.revision,
            )
            execution = execution_node(action, receipt, before, after)
            edges = []
            if action.task_id is not None:
                task = NodeRef(label=Label.TASK, id=action.task_id)
                edges.append(Edge(src=ref, type=RelType.EXECUTES, dst=task))
            side = self._side_nodes(execution, action, after)
            batch = GraphBatch(nodes=[execution, after.node(), *side], edges=edges)
            line_guard = Precondition(
                after.ref, {"revision": before.revision} if before.revision else None
            )
            if store.write_if(batch, [Precondition(ref), line_guard]):
                return receipt
        raise LineContentionError(
            f"line {action.target.line} kept changing while applying "
            f"{action.idempotency_key!r}; apply it again"
        )

    def receipt(self, idempotency_key: str) -> ActionReceipt | None:
        """The receipt recorded for a key, or None if it was never applied."""
        return find_receipt(self.store, idempotency_key)

    def state(self) -> list[LineState]:
        """Every line this adapter has touched, as last set, read from the graph."""
        return read_lines(self.store, self.name)

    def line(self, key: LineKey) -> LineState:
        """One line as last set (a line never touched: zero budget, not paused)."""
        return read_line(self.store, self.name, key)

    def budget_of(
        self, channel_id: str, audience_id: str | None = None, campaign_id: str | None = None
    ) -> float:
        """The line's current daily budget (0 for a line never set)."""
        key = LineKey(channel_id=channel_id, audience_id=audience_id, campaign_id=campaign_id)
        return self.line(key).daily_budget

    # -- hooks -------------------------------------------------------------------------------
    @abstractmethod
    def _check(self, action: Action, before: LineState) -> None:
        """Raise UnknownTargetError / InvalidActionError if ``action`` cannot be applied."""

    def _external_ref(self, action: Action, after: LineState) -> str | None:
        """The platform's reference for the change, when known at apply time."""
        return None

    def _side_nodes(self, execution: Node, action: Action, after: LineState) -> list[Node]:
        """Nodes written in the same transaction as the Execution (none by default)."""
        return []


def _utc_now() -> datetime:
    return datetime.now(UTC)
