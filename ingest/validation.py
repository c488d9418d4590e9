"""Validate the rows of each part into a table of accepted records, by column.

Kinds with a bulk path (``ingest.columns``) are checked a column at a time and only the
rows it leaves go through the pydantic model one by one; the other kinds, a few
thousand records at most, go through the model. Either way a rejected row gets the
model's wording, its line and its source, and an accepted one becomes the same node
properties and references.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    parts: Sequence[tuple[str, SourceInfo, Iterable[RawRow]]],
    progress: Progress | None,
    *,
    keep: int | None = None,
    stop: bool = False,
) -> tuple[list[Table], list[Rejection], int]:
    """A table of accepted records per part (kind, source, rows), the first ``keep``
    rejections, and how many more rejections there were.

    Past ``keep`` rejections, the rest are counted, not kept (no reason is worded); with
    ``stop`` (nothing will be written anyway), reading stops there and the count of the
    rest is -1: unknown. Kinds without a bulk path are read as they stream.
    """
    cap = sys.maxsize if keep is None else keep
    tables: list[Table] = []
    rejected: list[Rejection] = []
    more = 0
    accepted = 0
    for kind, source, rows in parts:
        model = RECORD_TYPES[kind]
        table = Table(kind, source.name, source.node_id)
        table.refs = {ref.field: [] for ref in table.references}
        tables.append(table)
        bulk = BULK_VALIDATORS.get(kind)
        read: Iterable[RawRow] = rows
        checked: Iterator[dict[str, Any] | None] | None = None
        if bulk is not None:
            read = list(rows)
            checked = iter(bulk([raw for _, raw in read if not isinstance(raw, Rejection)]))
        # The table's columns, appended to directly for the rows the bulk path vouched for.
        lines, raws, ids, all_props = table.lines, table.raws, table.ids, table.props
        ref_columns = [(r.field, table.refs[r.field]) for r in table.references]
        for line, raw in read:
            if isinstance(raw, Rejection):
                if len(rejected) < cap:
                    rejected.append(Rejection(raw.line, raw.reason, source.name, kind))
                elif stop:
                    return tables, rejected, -1
                else:
                    more += 1
                continue
            props = None if checked is None else next(checked)
            if props is not None:
                lines.append(line)
                raws.append(raw)
                ids.append(props["id"])
                all_props.append(props)
                for name, column in ref_columns:
                    column.append(props.get(name))
            else:
                if len(rejected) >= cap:  # past the kept rejections: count, do not keep
                    if stop:
                        return tables, rejected, -1
                    found = validate_quietly(model, raw)
                    if found is None:
                        more += 1
                        continue
                    record = found
                else:
                    try:
                        record = model.model_validate(raw)
                    except ValidationError as e:
                        rejected.append(Rejection(line, reason(e), source.name, kind, raw))
                        continue
                table.add(line, raw, record_properties(record), record_targets(record))
            accepted += 1
            if progress and accepted % 10_000 == 0:
                progress("validating", accepted, 0)
    return tables, rejected, more


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
            got = _shown(item["input"])
            parts.append(f"{where}: {message} (got {got})")
        else:
            parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _shown(value: object) -> str:
    """A rejected value as the report shows it: its repr, cut to 80 characters. A long
    string is cut before ``repr`` (the repr of a 256 MB string is a copy of it)."""
    if isinstance(value, str | bytes) and len(value) > 80:
        return f"{repr(value[:60])[:60]}… ({len(value):,} characters)"
    got = repr(value)
    return got if len(got) <= 80 else f"{got[:60]}… ({len(got):,} characters)"


def validate_quietly(model: type[CanonicalRecord], raw: Raw) -> CanonicalRecord | None:
    """The record, or None when it is not valid; cheap when a required field is missing
    (for the records past the kept rejections, only counted)."""
    if not all(name in raw for name in _required(model)):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


@functools.cache
def _required(model: type[CanonicalRecord]) -> tuple[str, ...]:
    return tuple(name for name, f in model.model_fields.items() if f.is_required())
