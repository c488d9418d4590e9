"""Errors of the execution adapters; the API maps them to HTTP answers in api/errors.py."""

from __future__ import annotations

from collections.abc import Sequence


class ExecutionError(Exception):
    """Base class of every execution-layer error."""


class InvalidActionError(ExecutionError, ValueError):
    """An action that cannot be applied as asked (wrong parameters for its kind or line)."""


class UnknownTargetError(ExecutionError, LookupError):
    """An action names a channel, audience, campaign, asset or task that does not exist."""

    def __init__(self, what: str, ids: Sequence[str], where: str = "in the graph") -> None:
        self.what = what
        self.ids = list(ids)
        shown = ", ".join(repr(i) for i in self.ids)
        super().__init__(f"{what} {shown} does not exist {where}")


class IdempotencyConflictError(ExecutionError, ValueError):
    """An idempotency key already used for a different action (or another adapter)."""

    def __init__(self, key: str, execution_id: str, reason: str) -> None:
        self.key = key
        self.execution_id = execution_id
        super().__init__(
            f"idempotency key {key!r} was already used by execution {execution_id} for "
            f"{reason}; use a new key for a new action"
        )


class ExperimentConflictError(ExecutionError, ValueError):
    """An experiment is started on a line that already runs one."""

    def __init__(self, line: str, running: str) -> None:
        self.line = line
        self.running = running
        super().__init__(f"line {line} already runs experiment {running!r}; stop it first")


class LineContentionError(ExecutionError):
    """A line kept changing under an action (other writers); retrying later may succeed."""


class OutboxEntryNotFoundError(ExecutionError, LookupError):
    """No outbox entry with this id."""

    def __init__(self, entry_id: str) -> None:
        self.entry_id = entry_id
        super().__init__(f"no outbox entry with id {entry_id!r}")


class OutboxStateError(ExecutionError, ValueError):
    """An outbox entry is not in a state that allows what was asked (e.g. retry a delivered one)."""


class WebhookConfigError(ExecutionError, ValueError):
    """The webhook configuration file is missing something or holds a bad value."""
