"""Checks of a batch beyond each record's own: ids repeated in it.

A batch holds each id once: a second record of the same id (in the same file or another
part of the batch) is rejected, naming where the first one is, so ``accepted`` counts
exactly the nodes written and no record silently replaces another.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.schema import Label
from ingest.errors import Rejection
from ingest.validation import Table


def reject_duplicates(tables: list[Table]) -> list[Rejection]:
    """Records of an id already in the batch: the first stays, the later ones are
    rejected; ``tables`` keep the others."""
    by_label: dict[Label, list[int]] = {}
    for i, t in enumerate(tables):
        by_label.setdefault(t.label, []).append(i)
    rejected: list[Rejection] = []
    for label, indexes in by_label.items():
        distinct: set[str] = set()
        for i in indexes:
            distinct.update(tables[i].ids)
        if len(distinct) == sum(len(tables[i]) for i in indexes):
            continue  # the usual batch: every id once
        del distinct
        first: dict[str, tuple[str, int]] = {}
        for i in indexes:
            t = tables[i]
            keep: list[int] = []
            for row, (node_id, line) in enumerate(zip(t.ids, t.lines, strict=True)):
                seen = first.get(node_id)
                if seen is None:
                    first[node_id] = (t.source, line)
                    keep.append(row)
                    continue
                where = f"line {seen[1]}" + (f" of {seen[0]}" if seen[0] != t.source else "")
                reason = f"{label.value} {node_id!r} is also on {where}; a batch holds each id once"
                rejected.append(Rejection(line, reason, t.source, t.kind, t.dump(row)))
            if len(keep) < len(t):
                tables[i] = t.keep(keep)
    return rejected


__all__: Sequence[str] = ["reject_duplicates"]
