"""Errors of the ingestion layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rejection:
    """One record that was refused: where it was and why."""

    line: int
    reason: str
    source: str = ""
    kind: str = ""
    record: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.source}:" if self.source else "line "
        return f"{where}{self.line}: {self.reason}"


class IngestError(Exception):
    """Base class of ingestion errors."""


class UnknownKindError(IngestError, ValueError):
    def __init__(self, kind: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.known = list(known)
        super().__init__(f"unknown record kind {kind!r}; expected one of: {', '.join(known)}")


class UnreadableInputError(IngestError, ValueError):
    """The input as a whole cannot be read (not UTF-8, no CSV header, unknown format…)."""


class RecordsRejectedError(IngestError, ValueError):
    """Some records are bad and the caller did not ask to skip them: nothing was written."""

    def __init__(
        self,
        rejected: Sequence[Rejection],
        accepted: int,
        *,
        total: int | None = None,
        stopped: bool = False,
    ) -> None:
        self.rejected = list(rejected)  # the first ones (up to the rejections_kept limit)
        self.accepted = accepted
        self.total = max(total or 0, len(self.rejected))  # all of them, or as far as read
        self.stopped = stopped  # reading stopped at the limit: there may be more
        first = "; ".join(str(r) for r in self.rejected[:3])
        more = f" (and {self.total - 3:,} more)" if self.total > 3 else ""
        counted = f"{self.total:,} or more" if stopped else f"{self.total:,}"
        stop = (
            f"; checking stopped at {self.total:,} (limit rejections_kept={self.total})"
            if stopped
            else ""
        )
        super().__init__(
            f"{counted} bad record(s), nothing was written: {first}{more}{stop}. "
            "Fix them, or ingest with skip-bad to keep the good records."
        )


class LimitExceededError(IngestError, ValueError):
    """Input over one of the limits of :mod:`ingest.limits`; nothing was written.

    ``too_large`` marks limits on size (a 413 over HTTP); the others are a 422.
    """

    def __init__(
        self,
        limit: str,
        allowed: int | float | str,
        message: str,
        *,
        found: int | float | str | None = None,
        too_large: bool = False,
    ) -> None:
        self.limit = limit
        self.allowed = allowed
        self.found = found
        self.too_large = too_large
        super().__init__(f"{message} (limit {limit}={allowed})")


class EmptyInputError(IngestError, ValueError):
    """The input holds no record at all: nothing to ingest, and nothing was written."""
