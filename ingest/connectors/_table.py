"""Tabular exports (CSV/TSV) read against a column spec: find the header, check the columns.

Real exports start with title rows (Google Ads: the report name and its date range),
come as UTF-8 or UTF-16 ("Excel" downloads, tab-separated), and name columns their own
way. The header is the first of the opening rows that names known columns; every header
cell must be a known column (mapped or deliberately ignored) and every required column
must be there, or the whole file is refused with a :class:`ColumnsError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.connectors._values import Amount, Decimal, parse_amount
from ingest.connectors.errors import ColumnsError
from ingest.errors import UnreadableInputError

_PREAMBLE_ROWS = 10


@dataclass(frozen=True)
class Column:
    """A column an export may have: the key we use, its spellings, whether it is needed.

    ``ignored`` columns are known but not read (derived figures such as CTR, or personal
    data we do not store); ``pattern`` matches headers such as ``Amount spent (EUR)``.
    """

    key: str
    names: tuple[str, ...]
    required: bool = False
    ignored: bool = False
    pattern: str | None = None

    def matches(self, header: str) -> re.Match[str] | bool:
        norm = _norm(header)
        if any(norm == _norm(n) for n in self.names):
            return True
        if self.pattern:
            return re.fullmatch(self.pattern, header.strip(), flags=re.IGNORECASE) or False
        return False

    @property
    def label(self) -> str:
        return self.names[0] if self.names else (self.pattern or self.key)


@dataclass
class Table:
    """The rows of an export under its header, keyed by column key."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    present: dict[str, str] = field(default_factory=dict)  # key -> header as written
    captures: dict[str, dict[str, str]] = field(default_factory=dict)  # pattern groups
    ignored: dict[str, str] = field(default_factory=dict)  # key -> header of ignored columns
    preamble: list[str] = field(default_factory=list)
    header_line: int = 1


def _norm(text: str) -> str:
    return " ".join(text.strip().casefold().split())


def decode(data: bytes, source: str) -> str:
    """UTF-16 when a BOM says so (Excel-style downloads), else UTF-8 (BOM allowed)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UnreadableInputError(
            f"{source}: not UTF-8 or UTF-16 text ({e.reason} at byte {e.start})"
        ) from e


def _delimiter(text: str) -> str:
    head = text.splitlines()[:_PREAMBLE_ROWS]
    best, best_count = ",", 0
    for candidate in (",", "\t", ";"):
        count = max((line.count(candidate) for line in head), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def read_table(source: str, data: bytes, spec: Sequence[Column], hint: str = "") -> Table:
    """Read ``data`` as a table of ``spec`` columns; raises ColumnsError on a bad header."""
    text = decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    expected = [c.label for c in spec if not c.ignored]
    table = Table()
    header: list[str] | None = None
    line = 0
    first_row: list[str] = []
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            cells = [c.strip() for c in row]
            if header is None:
                if not any(cells):
                    continue
                first_row = first_row or cells
                if _known(cells, spec) >= 2:
                    header, table.header_line = cells, start
                    _check_header(table, header, spec, source, expected, hint)
                elif len(table.preamble) < _PREAMBLE_ROWS:
                    table.preamble.append(" ".join(c for c in cells if c))
                    continue
                else:
                    break
                continue
            if not any(cells):
                continue
            if len(cells) != len(header):
                reason = f"expected {len(header)} cells as in the header, found {len(cells)}"
                table.bad.append((start, reason))
                continue
            keyed = {}
            for name, cell in zip(header, cells, strict=True):
                key = table.present.get(name)
                if key is not None:
                    keyed[key] = cell
            table.rows.append((start, keyed))
    except csv.Error as e:
        raise UnreadableInputError(f"{source}: unreadable CSV near line {line + 1}: {e}") from e
    if header is None:
        missing = [c.label for c in spec if c.required]
        unknown = [c for c in first_row if c and not any(col.matches(c) for col in spec)]
        raise ColumnsError(source, expected, missing=missing, unknown=unknown, hint=hint)
    # ``present`` was keyed by header text while reading; turn it round for callers.
    table.present = {key: name for name, key in table.present.items()}
    return table


def _known(cells: list[str], spec: Sequence[Column]) -> int:
    return sum(1 for cell in cells if cell and any(c.matches(cell) for c in spec))


def _check_header(
    table: Table,
    header: list[str],
    spec: Sequence[Column],
    source: str,
    expected: list[str],
    hint: str,
) -> None:
    unknown: list[str] = []
    by_key: dict[str, str] = {}
    for name in header:
        if not name:
            continue
        column = next((c for c in spec if c.matches(name)), None)
        if column is None:
            unknown.append(name)
            continue
        if column.key in by_key:
            raise UnreadableInputError(
                f"{source}: columns {by_key[column.key]!r} and {name!r} both mean "
                f"{column.label!r}; keep one"
            )
        by_key[column.key] = name
        match = column.matches(name)
        if isinstance(match, re.Match):
            table.captures[column.key] = {k: v for k, v in match.groupdict().items() if v}
        if column.ignored:
            table.ignored[column.key] = name
        else:
            table.present[name] = column.key
    missing = [c.label for c in spec if c.required and c.key not in by_key]
    if missing or unknown:
        raise ColumnsError(source, expected, missing=missing, unknown=unknown, hint=hint)


def amount_cell(
    row: dict[str, str], key: str, decimal: Decimal, table: Table, *, negative: bool = False
) -> Amount | None:
    """The number in column ``key`` of ``row`` (None when absent or empty); errors name the
    column as the export wrote it."""
    if key not in row:
        return None
    where = table.present.get(key, key)
    try:
        value = parse_amount(row[key], decimal)
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
    if value is not None and value.value < 0 and not negative:
        raise ValueError(f"{where}: must not be negative (got {row[key]!r})")
    return value
