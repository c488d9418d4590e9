"""Checks of a batch beyond each record's own: ids repeated in it, and quick validation of
the records past the kept rejections (only counted, so no reason is worked out)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from graph.schema import Label
from ingest.errors import Rejection
from ingest.records import CanonicalRecord

if TYPE_CHECKING:
    from ingest.pipeline import _Accepted


def validate_quietly(model: type[CanonicalRecord], raw: dict[str, Any]) -> CanonicalRecord | None:
    """The record, or None when it is not valid; cheap when a required field is missing."""
    if not all(name in raw for name in _required(model)):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


@functools.cache
def _required(model: type[CanonicalRecord]) -> tuple[str, ...]:
    return tuple(name for name, f in model.model_fields.items() if f.is_required())


def reject_duplicates(accepted: list[_Accepted]) -> list[Rejection]:
    """Records of an id already in the batch: the first stays, the later ones are
    rejected (one write per id, so ``accepted`` counts what lands)."""
    first: dict[tuple[Label, str], _Accepted] = {}
    rejected: list[Rejection] = []
    keep: list[_Accepted] = []
    for a in accepted:
        key = (a.record.label, a.record.node_id())
        seen = first.setdefault(key, a)
        if seen is a:
            keep.append(a)
            continue
        where = f"line {seen.line}" + (f" of {seen.source}" if seen.source != a.source else "")
        reason = f"{key[0].value} {key[1]!r} is also on {where}; a batch holds each id once"
        raw = a.record.model_dump(mode="json", exclude_none=True)
        rejected.append(Rejection(a.line, reason, a.source, a.kind, raw))
    accepted[:] = keep
    return rejected


__all__: Sequence[str] = ["reject_duplicates", "validate_quietly"]
