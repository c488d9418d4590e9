"""Validate the rows of each part into a table of accepted records, by column.

Kinds with a bulk path (``ingest.columns``) are checked a column at a time and only the
rows it leaves go through the pydantic model one by one; the other kinds, a few
thousand records at most, go through the model. Either way a rejected row gets the
model's wording, its line and its source, and an accepted one becomes the same node
properties and references.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph.models import clean_properties
from graph.schema import Label
from ingest.columns import BULK_VALIDATORS
from ingest.errors import Rejection
from ingest.readers import RawRow, SourceInfo
from ingest.records import RECORD_TYPES, CanonicalRecord, Reference

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Raw = dict[str, Any]


@dataclass
class Table:
    """The accepted records of one part, a list per column.

    ``refs[field]`` holds, per record, the id its reference field names (None: none) or,
    for a list reference (``channel_ids``), the list of ids.
    """

    kind: str
    source: str  # the part's source name
    source_id: str  # its Source node
    lines: list[int] = field(default_factory=list)
    raws: list[Raw] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    props: list[dict[str, Any]] = field(default_factory=list)
    refs: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def label(self) -> Label:
        return RECORD_TYPES[self.kind].label

    @property
    def references(self) -> tuple[Reference, ...]:
        return RECORD_TYPES[self.kind].references

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, line: int, raw: Raw, props: dict[str, Any], refs: Sequence[Any]) -> None:
        self.lines.append(line)
        self.raws.append(raw)
        self.ids.append(props["id"])
        self.props.append(props)
        for ref, value in zip(self.references, refs, strict=True):
            self.refs[ref.field].append(value)

    def keep(self, rows: Iterable[int]) -> Table:
        """The same table with only the records at positions ``rows``."""
        keep = list(rows)
        return Table(
            self.kind,
            self.source,
            self.source_id,
            [self.lines[i] for i in keep],
            [self.raws[i] for i in keep],
            [self.ids[i] for i in keep],
            [self.props[i] for i in keep],
            {name: [column[i] for i in keep] for name, column in self.refs.items()},
        )

    def record(self, row: int) -> CanonicalRecord:
        """The model of one accepted record (for the rare paths that need one)."""
        return RECORD_TYPES[self.kind].model_validate(self.raws[row])

    def dump(self, row: int) -> Raw:
        """One accepted record as the rejects file shows it."""
        return self.record(row).model_dump(mode="json", exclude_none=True)


def validate_parts(
    parts: Sequence[tuple[str, SourceInfo, Iterable[RawRow]]], progress: Progress | None
) -> tuple[list[Table], list[Rejection]]:
    """A table of accepted records per part (kind, source, rows), and the rejections."""
    tables: list[Table] = []
    rejected: list[Rejection] = []
    accepted = 0
    for kind, source, rows in parts:
        table = Table(kind, source.name, source.node_id)
        table.refs = {ref.field: [] for ref in table.references}
        read = list(rows)
        good = [(line, raw) for line, raw in read if not isinstance(raw, Rejection)]
        bulk = BULK_VALIDATORS.get(kind)
        checked = bulk([raw for _, raw in good]) if bulk else [None] * len(good)
        done = iter(zip(good, checked, strict=True))
        # The table's columns, appended to directly for the rows the bulk path vouched for.
        lines, raws, ids, all_props = table.lines, table.raws, table.ids, table.props
        ref_columns = [(r.field, table.refs[r.field]) for r in table.references]
        for line, raw in read:
            if isinstance(raw, Rejection):
                rejected.append(Rejection(raw.line, raw.reason, source.name, kind))
                continue
            (_, raw), props = next(done)
            if props is not None:
                lines.append(line)
                raws.append(raw)
                ids.append(props["id"])
                all_props.append(props)
                for name, column in ref_columns:
                    column.append(props.get(name))
            else:
                try:
                    record = RECORD_TYPES[kind].model_validate(raw)
                except ValidationError as e:
                    rejected.append(Rejection(line, reason(e), source.name, kind, raw))
                    continue
                table.add(line, raw, record_properties(record), record_targets(record))
            accepted += 1
            if progress and accepted % 10_000 == 0:
                progress("validating", accepted, 0)
        tables.append(table)
    return tables, rejected


def record_properties(record: CanonicalRecord) -> dict[str, Any]:
    """A record's node properties: its fields and unknown fields, list references left to
    the edges they become, its id."""
    data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    for ref in record.references:
        if ref.many:
            data.pop(ref.field, None)
    data["id"] = record.node_id()
    return clean_properties(data)


def record_targets(record: CanonicalRecord) -> list[Any]:
    """Per reference field of the record: the id it names (or None), or the list of ids."""
    out: list[Any] = []
    for ref in record.references:
        value = getattr(record, ref.field)
        if ref.many:
            out.append([str(v) for v in value] if value else [])
        else:
            out.append(None if value is None else str(value))
    return out


def reason(error: ValidationError) -> str:
    """One readable line per failed field: ``spend: Input should be >= 0 (got -3)``."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"]
        if item["type"] == "missing":
            parts.append(f"{where}: required field is missing")
        elif "input" in item and not isinstance(item["input"], dict):
            parts.append(f"{where}: {message} (got {item['input']!r})")
        else:
            parts.append(f"{where}: {message}")
    return "; ".join(parts)
