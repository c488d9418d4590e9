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

    def __init__(self, rejected: Sequence[Rejection], accepted: int) -> None:
        self.rejected = list(rejected)
        self.accepted = accepted
        first = "; ".join(str(r) for r in self.rejected[:3])
        more = f" (and {len(self.rejected) - 3} more)" if len(self.rejected) > 3 else ""
        super().__init__(
            f"{len(self.rejected)} bad record(s), nothing was written: {first}{more}. "
            "Fix them, or ingest with skip-bad to keep the good records."
        )
