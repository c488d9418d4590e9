"""Reject records that point at ids existing neither in the batch nor in the graph.

Checked per column: the distinct ids a reference column names are looked up once (in the
batch's tables, then in the graph, a label at a time), and only a column naming an id
found nowhere is read row by row to word its rejections.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.base import GraphStore
from graph.schema import Label
from ingest.errors import Rejection
from ingest.validation import Table


def check_references(store: GraphStore, tables: list[Table]) -> list[Rejection]:
    """Rejections for records naming a missing id; ``tables`` keep the other records.

    Repeats until stable, so a record that points only at a rejected record goes too.
    """
    rejected: list[Rejection] = []
    existing: dict[Label, set[str]] = {}
    while True:
        in_batch: dict[Label, set[str]] = defaultdict(set)
        for t in tables:
            in_batch[t.label].update(t.ids)
        wanted: dict[Label, set[str]] = defaultdict(set)
        for t in tables:
            for ref in t.references:
                wanted[ref.label].update(_named(t.refs[ref.field], ref.many))
        nowhere: dict[Label, set[str]] = {}
        for label, ids in wanted.items():
            ids -= in_batch[label]
            known = existing.setdefault(label, set())
            unknown = ids - known
            if unknown:
                known |= store.existing_ids(label, unknown)
            if ids - known:
                nowhere[label] = ids - known
        if not nowhere:
            return rejected
        for i, t in enumerate(tables):
            tables[i] = _drop_missing(t, nowhere, rejected)


def _named(column: list[Any], many: bool) -> set[str]:
    """The distinct ids a reference column names."""
    if many:
        return {target for targets in column if targets for target in targets}
    return {target for target in column if target is not None}


def _drop_missing(t: Table, nowhere: dict[Label, set[str]], rejected: list[Rejection]) -> Table:
    """``t`` without its records naming an id of ``nowhere``; their rejections appended."""
    refs = [r for r in t.references if r.label in nowhere]
    if not refs:
        return t
    keep: list[int] = []
    for row in range(len(t)):
        missing: list[tuple[Label, str]] = []
        for ref in t.references:
            gone = nowhere.get(ref.label)
            if gone is None:
                continue
            value = t.refs[ref.field][row]
            for target in (value or []) if ref.many else [value]:
                if target is not None and target in gone:
                    missing.append((ref.label, target))
        if not missing:
            keep.append(row)
            continue
        what = ", ".join(f"{label.value} {target!r}" for label, target in missing)
        reason = f"refers to {what}, which exists neither in this batch nor in the graph"
        rejected.append(Rejection(t.lines[row], reason, t.source, t.kind, t.dump(row)))
    return t.keep(keep) if len(keep) < len(t) else t
