"""Errors of the connectors: an unknown source, and columns an export must (not) have."""

from __future__ import annotations

from collections.abc import Sequence

from graph.errors import NodeNotFoundError
from graph.suggest import did_you_mean
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


class CurrencyMismatchError(IngestError, ValueError):
    """A header states a currency (``Amount spent (EUR)``) other than the brand's: every
    amount in the file is in it, so nothing is read."""

    def __init__(self, source: str, header: str, found: str, brand_id: str, currency: str) -> None:
        self.header = header
        self.found = found
        self.currency = currency
        super().__init__(
            f"{source}: column {header!r} is in {found} but brand {brand_id} reports in "
            f"{currency}; export in {currency}, or ingest it for a brand in {found}"
        )


class BadOptionError(IngestError, ValueError):
    """An option of the export ingest is wrong (no brand given where one is needed, an
    unknown time zone)."""


class BrandNotFoundError(NodeNotFoundError):
    """The export names a brand the graph does not have (and no name to create it)."""

    def __init__(self, brand_id: str, known: Sequence[str]) -> None:
        super().__init__(brand_id, "Brand")
        self.known = list(known)
        close = did_you_mean(brand_id, known)
        hint = f"; did you mean {close}?" if close else "."
        self.args = (
            f"no brand {brand_id!r} in the graph{hint} To create it with this export, give its "
            "name too: --brand-name NAME (brand_name over HTTP)",
        )
