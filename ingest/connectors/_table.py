"""Tabular exports (CSV/TSV) read against a column spec: find the header, check the columns.

Real exports start with title rows (Google Ads: the report name and its date range),
come as UTF-8 (with or without a BOM), UTF-16 ("Excel" downloads, tab-separated) or
Windows-1252 (a CSV saved again by Excel), comma-, semicolon- or tab-separated, and name
columns their own way and in the account's language. The header is the first of the
opening rows that names known columns. Every required column must be there, or the
whole file is refused with a :class:`ColumnsError`; columns the connector does not know
are not read and are listed once (:attr:`Table.unknown`) for the ingest's notes.

A header may carry the currency of its column, ``Amount spent (GBP)`` or
``CPM (cost per 1,000 impressions) (€)``; it is kept in :attr:`Table.currencies` so the
connector can check it against the brand's.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ingest.connectors._values import CURRENCIES, SYMBOLS, Amount, Decimal, parse_amount
from ingest.connectors.errors import ColumnsError, CurrencyMismatchError
from ingest.errors import UnreadableInputError

_PREAMBLE_ROWS = 10
_CURRENCY_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\((?P<currency>[A-Z]{3}|[$€£¥₹])\)$")


@dataclass(frozen=True)
class Column:
    """A column an export may have: the key we use, its spellings, whether it is needed.

    ``ignored`` columns are known but not read (settings such as the bid strategy, or
    personal data we do not store). Spellings are compared without case, accents or
    extra spaces, and with a currency suffix such as ``(EUR)`` taken off.
    """

    key: str
    names: tuple[str, ...]
    required: bool = False
    ignored: bool = False

    @cached_property
    def _spellings(self) -> frozenset[str]:
        return frozenset(_norm(n) for n in self.names)

    def matches(self, header: str) -> bool:
        return header_key(header) in self._spellings

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.key


@dataclass
class Table:
    """The rows of an export under its header, keyed by column key."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    present: dict[str, str] = field(default_factory=dict)  # key -> header as written
    currencies: dict[str, str] = field(default_factory=dict)  # header -> currency in it
    ignored: dict[str, str] = field(default_factory=dict)  # key -> header of ignored columns
    unknown: list[str] = field(default_factory=list)  # headers no column of the spec names
    preamble: list[str] = field(default_factory=list)
    header_line: int = 1
    encoding: str = "utf-8"

    def notes(self, source: str) -> list[str]:
        """What a reader of the ingest report should know about the file itself."""
        notes = []
        if self.unknown:
            names = ", ".join(repr(u) for u in self.unknown)
            notes.append(f"column(s) the {source} connector does not read, ignored: {names}")
        if self.encoding == "cp1252":
            notes.append("the file is not UTF-8: read as Windows-1252 (as Excel saves CSV)")
        return notes

    def currency(self) -> str | None:
        """The currency the header names, if it names one (``Cost (EUR)``)."""
        return next(iter(self.currencies.values()), None)

    def check_currency(self, source: str, currency: str, brand_id: str) -> None:
        """Refuse the file when a header says another currency than the brand's."""
        for header, found in self.currencies.items():
            if found != currency:
                raise CurrencyMismatchError(source, header, found, brand_id, currency)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _norm(text: str) -> str:
    """``'Coût / conv.'`` and ``'cout/conv.'`` alike; ``1,000`` and ``1 000`` alike."""
    s = _fold(text).casefold().replace("\u2019", "'").replace("\u2018", "'")
    s = " ".join(s.split())
    s = re.sub(r"\s*/\s*", "/", s)
    return re.sub(r"(?<=\d)[.,\s](?=\d{3}\b)", "", s)


def split_currency(header: str) -> tuple[str, str | None]:
    """``'Amount spent (GBP)'`` → (``'Amount spent'``, ``'GBP'``); symbols become codes."""
    m = _CURRENCY_SUFFIX.match(header.strip())
    if not m:
        return header.strip(), None
    code = SYMBOLS.get(m.group("currency"), m.group("currency"))
    if code not in CURRENCIES:
        return header.strip(), None
    return m.group("base"), code


def header_key(header: str) -> str:
    """A header as it is compared with the spellings of a column."""
    return _norm(split_currency(header)[0])


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


def _decode_table(data: bytes, source: str) -> tuple[str, str]:
    """Text and encoding of a tabular export: UTF-16/UTF-8 as :func:`decode`, else the
    Windows-1252 a CSV re-saved by Excel on Windows has (never for bytes with NULs)."""
    try:
        return decode(data, source), "utf-8"
    except UnreadableInputError:
        if b"\x00" in data:
            raise
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise UnreadableInputError(
                f"{source}: not UTF-8, UTF-16 or Windows-1252 text"
            ) from None


def _delimiter(lines: list[str]) -> str:
    best, best_count = ",", 0
    for candidate in (",", "\t", ";"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


def _dialect(text: str) -> tuple[str, str, int]:
    """(text without an Excel ``sep=;`` line, the delimiter, lines taken off)."""
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r'"?sep=(.)"?\r?', first.strip("\r"))
    if m:
        return rest, m.group(1), 1
    return text, _delimiter(text.splitlines()[:_PREAMBLE_ROWS]), 0


def read_table(source: str, data: bytes, spec: Sequence[Column], hint: str = "") -> Table:
    """Read ``data`` as a table of ``spec`` columns; raises ColumnsError on a bad header."""
    text, encoding = _decode_table(data, source)
    text, delimiter, skipped = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    expected = [c.label for c in spec if not c.ignored]
    table = Table(encoding=encoding)
    header: list[str] | None = None
    keys: list[str | None] = []
    line = skipped
    first_row: list[str] = []
    try:
        for row in reader:
            start, line = line + 1, reader.line_num + skipped
            cells = [c.strip() for c in row]
            if header is None:
                if not any(cells):
                    continue
                first_row = first_row or cells
                if _known(cells, spec) >= 2:
                    header, table.header_line = cells, start
                    keys = _check_header(table, header, spec, source, expected, hint)
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
            keyed = {key: cell for key, cell in zip(keys, cells, strict=True) if key is not None}
            table.rows.append((start, keyed))
    except csv.Error as e:
        raise UnreadableInputError(f"{source}: unreadable CSV near line {line + 1}: {e}") from e
    if header is None:
        missing = [c.label for c in spec if c.required]
        unknown = [c for c in first_row if c and not any(col.matches(c) for col in spec)]
        raise ColumnsError(source, expected, missing=missing, unknown=unknown, hint=hint)
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
) -> list[str | None]:
    """The column key of each header cell (None: not read); fills ``table``'s bookkeeping."""
    keys: list[str | None] = []
    by_key: dict[str, str] = {}
    for name in header:
        column = next((c for c in spec if c.matches(name)), None) if name else None
        if column is None:
            if name:
                table.unknown.append(name)
            keys.append(None)
            continue
        if column.key in by_key:
            raise UnreadableInputError(
                f"{source}: columns {by_key[column.key]!r} and {name!r} both mean "
                f"{column.label!r}; keep one"
            )
        by_key[column.key] = name
        currency = split_currency(name)[1]
        if currency:
            table.currencies[name] = currency
        if column.ignored:
            table.ignored[column.key] = name
            keys.append(None)
        else:
            table.present[column.key] = name
            keys.append(column.key)
    missing = [c.label for c in spec if c.required and c.key not in by_key]
    if missing:
        raise ColumnsError(source, expected, missing=missing, unknown=table.unknown, hint=hint)
    return keys


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
