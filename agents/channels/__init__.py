"""Channels: adapters that turn approved actions into changes on channels.

Every :class:`Action` (``base``) carries an idempotency key and is applied at most once by
a :class:`ChannelAdapter` (``adapter``), recorded as an ``Execution`` node (``journal``)
with the undo computed from the line's state before (``lines``, ``transitions``). The
webhook adapter is a durable outbox delivered by HTTP POST (``outbox``); ``router``
picks the adapter of a brand's channel. The demo's sandbox market (``demo.sandbox``) is
another adapter, plugged in by configuration.
"""

from agents.channels.adapter import ChannelAdapter
from agents.channels.base import Action, ActionKind, ActionReceipt, ReceiptStatus, Target
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
