"""Execution: channel adapters that turn approved actions into changes on channels.

Every :class:`Action` carries an idempotency key and is applied at most once, recorded as
an ``Execution`` node (id derived from the key) with the undo computed from the line's
state before. Adapters: :class:`SandboxAdapter` over a simulated :class:`SandboxMarket`
(``demo.sandbox``) and :class:`WebhookAdapter`, a durable outbox delivered
by HTTP POST (``agents.channels.outbox``).
"""

from agents.channels.base import (
    Action,
    ActionKind,
    ActionReceipt,
    ChannelAdapter,
    ReceiptStatus,
    Target,
)
from agents.channels.errors import (
    ExecutionError,
    ExperimentConflictError,
    IdempotencyConflictError,
    InvalidActionError,
    LineContentionError,
    OutboxEntryNotFoundError,
    OutboxStateError,
    UnknownTargetError,
    WebhookConfigError,
)
from agents.channels.journal import execution_id, find_receipt
from agents.channels.lines import ExperimentRun, LineKey, LineState, read_line, read_lines

__all__ = [
    "Action",
    "ActionKind",
    "ActionReceipt",
    "ChannelAdapter",
    "ExecutionError",
    "ExperimentConflictError",
    "ExperimentRun",
    "IdempotencyConflictError",
    "InvalidActionError",
    "LineContentionError",
    "LineKey",
    "LineState",
    "OutboxEntryNotFoundError",
    "OutboxStateError",
    "ReceiptStatus",
    "Target",
    "UnknownTargetError",
    "WebhookConfigError",
    "execution_id",
    "find_receipt",
    "read_line",
    "read_lines",
]
