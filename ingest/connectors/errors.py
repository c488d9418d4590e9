"""Errors of the connectors: an unknown source, and columns an export must (not) have."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.errors import IngestError, UnreadableInputError


class UnknownSourceError(IngestError, ValueError):
    """No connector of that name."""

    def __init__(self, source: str, known: Sequence[str]) -> None:
        self.source = source
        self.known = list(known)
        super().__init__(f"unknown export source {source!r}; expected one of: {', '.join(known)}")


class ColumnsError(UnreadableInputError):
    """The export's header lacks required columns or has columns the connector does not know.

    Nothing is read from such a file: a misspelt or unexpected column would otherwise be
    silently dropped, or a required one silently empty.
    """

    def __init__(
        self,
        source: str,
        expected: Sequence[str],
        *,
        missing: Sequence[str] = (),
        unknown: Sequence[str] = (),
        hint: str = "",
    ) -> None:
        self.source = source
        self.missing = list(missing)
        self.unknown = list(unknown)
        self.expected = list(expected)
        problems = []
        if self.missing:
            problems.append("missing column(s) " + ", ".join(repr(c) for c in self.missing))
        if self.unknown:
            problems.append("unknown column(s) " + ", ".join(repr(c) for c in self.unknown))
        message = f"{source}: {'; '.join(problems)}; expected columns: {', '.join(expected)}"
        super().__init__(message + (f" ({hint})" if hint else ""))


class BadOptionError(IngestError, ValueError):
    """An option of the export ingest is wrong (no brand given where one is needed, an
    unknown time zone)."""
