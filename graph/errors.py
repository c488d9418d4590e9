"""Errors raised by the graph layer; the API maps them to HTTP answers in one place."""

from __future__ import annotations

from collections.abc import Sequence


class GraphError(Exception):
    """Base class of every graph-layer error."""


class InvalidVocabularyError(GraphError, ValueError):
    """A label, relationship type or key that is not in the fixed vocabulary."""

    def __init__(self, what: str, value: str, allowed: Sequence[str]) -> None:
        self.what = what
        self.value = value
        self.allowed = list(allowed)
        super().__init__(f"unknown {what} {value!r}; expected one of: {', '.join(self.allowed)}")


class NodeNotFoundError(GraphError, LookupError):
    """No node with this label and id (or id alone) exists."""

    def __init__(self, node_id: str, label: str | None = None) -> None:
        self.node_id = node_id
        self.label = label
        where = f"{label} " if label else ""
        super().__init__(f"no {where}node with id {node_id!r}")


class AmbiguousNodeIdError(GraphError, ValueError):
    """A bare id names nodes of several labels; the caller must say which."""

    def __init__(self, node_id: str, labels: Sequence[str]) -> None:
        self.node_id = node_id
        self.labels = list(labels)
        options = ", ".join(f"{lab}:{node_id}" for lab in self.labels)
        super().__init__(f"id {node_id!r} names several nodes; use one of: {options}")


class DanglingReferenceError(GraphError, ValueError):
    """An edge points at a node that exists neither in the graph nor in the batch."""

    def __init__(self, missing: Sequence[tuple[str, str]]) -> None:
        self.missing = list(missing)
        shown = ", ".join(f"{label}:{node_id}" for label, node_id in self.missing[:10])
        more = f" (and {len(self.missing) - 10} more)" if len(self.missing) > 10 else ""
        super().__init__(f"edges point at nodes that do not exist: {shown}{more}")


class AppendOnlyViolationError(GraphError, ValueError):
    """An attempt to overwrite a node that is written once (a decision, an approval)."""

    def __init__(self, label: str, node_id: str) -> None:
        self.label = label
        self.node_id = node_id
        super().__init__(f"{label} {node_id!r} already exists and is append-only")


class ConstraintViolationError(GraphError, ValueError):
    """A uniqueness constraint refused the batch; nothing of it was written."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"a uniqueness constraint refused the batch: {detail}")


class MigrationError(GraphError):
    """A schema migration could not be read or applied."""


class MigrationChecksumError(MigrationError):
    """A migration file changed after it was applied."""

    def __init__(self, migration_id: str, recorded: str, current: str) -> None:
        self.migration_id = migration_id
        self.recorded = recorded
        self.current = current
        super().__init__(
            f"migration {migration_id} was changed after it was applied "
            f"(recorded sha256 {recorded[:12]}…, file now {current[:12]}…); "
            "restore the original file and put the change in a new migration"
        )


class GraphUnavailableError(GraphError):
    """The store cannot be reached; retrying later may succeed."""


class QueryTimeoutError(GraphError):
    """A read ran out of the time it was given (a budgeted walk stops there)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"the read took longer than its {seconds:.3g} s budget")
