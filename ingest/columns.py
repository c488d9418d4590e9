"""Validation by column: the bulk path for the kinds that come by the hundred thousand.

A model per record costs more than the database write itself, so for outcomes each field
is checked over the whole column at once, and a value seen before (ids, dates) is checked
once. The checks are conservative: a row is accepted here only when every field is of a
form the pydantic model certainly accepts with this very value (plain numbers, ``12.50``
as text, ISO dates, ids without surrounding spaces); any other row, good or bad, goes to
the model, which decides and words the reason. So the bulk path changes speed, never an
outcome: ``tests/unit/test_columns.py`` holds it to the model on generated rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Final

from ingest.records import OutcomeRecord

Raw = dict[str, Any]
Properties = dict[str, Any]
BulkValidator = Callable[[Sequence[Raw]], list[Properties | None]]

_BAD: Final = object()  # a value the bulk path leaves to the model
_MAX_ID = 256
_MAX_INT = 2**53  # converted to float exactly by Python and by pydantic alike
_UNSIGNED = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,12})?")
_SIGNED = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,12})?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: str) -> object:
    if not _ISO_DATE.fullmatch(value):
        return _BAD
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return _BAD


def _id(value: str) -> object:
    return value if 0 < len(value) <= _MAX_ID and value == value.strip() else _BAD


def _strings(column: list[Any], check: Callable[[str], object], required: bool) -> list[Any]:
    """Each value checked once per distinct string; ints become id strings."""
    seen: dict[str, object] = {}
    out: list[Any] = []
    append = out.append
    for v in column:
        if type(v) is str:
            checked = seen.get(v)
            if checked is None:
                checked = seen[v] = check(v)
            append(checked)
        elif v is None:
            append(_BAD if required else None)
        elif type(v) is int and check is _id:
            append(_id(str(v)))
        else:
            append(_BAD)
    return out


def _numbers(column: list[Any], signed: bool, required: bool) -> list[Any]:
    """Finite floats (not below zero unless ``signed``); ints and plain decimal text
    become floats."""
    text = _SIGNED if signed else _UNSIGNED
    out: list[Any] = []
    append = out.append
    for v in column:
        t = type(v)
        if t is float:  # v - v is NaN for an infinity or a NaN
            append(v if v - v == 0.0 and (signed or v >= 0.0) else _BAD)
        elif t is int:
            append(float(v) if -_MAX_INT < v < _MAX_INT and (signed or v >= 0) else _BAD)
        elif v is None:
            append(_BAD if required else None)
        elif t is str and text.fullmatch(v):
            append(float(v))
        else:
            append(_BAD)
    return out


def _outcomes(rows: Sequence[Raw]) -> list[Properties | None]:
    """Node properties of each outcome row, exactly as the model's path makes them, or None
    where the model must decide."""
    columns = {name: [r.get(name) for r in rows] for name in _OUTCOME_FIELDS}
    checked: list[list[Any]] = []
    for name, (kind, required) in _OUTCOME_FIELDS.items():
        column = columns[name]
        if kind == "date":
            checked.append(_strings(column, _date, required))
        elif kind == "id":
            checked.append(_strings(column, _id, required))
        else:
            checked.append(_numbers(column, kind == "amount", required))
    names = list(_OUTCOME_FIELDS)
    known = _OUTCOME_KEYS
    out: list[Properties | None] = []
    append = out.append
    for raw, values in zip(rows, zip(*checked, strict=True), strict=True):
        if _BAD in values or not raw.keys() <= known:
            append(_with_extras(raw, names, values))
            continue
        if None in values:
            props = {k: v for k, v in zip(names, values, strict=True) if v is not None}
        else:
            props = dict(zip(names, values, strict=True))
        props["id"] = "|".join((values[0], values[1], values[2], values[4] or "", values[5] or ""))
        append(props)
    return out


def _with_extras(raw: Raw, names: list[str], values: tuple[Any, ...]) -> Properties | None:
    """A row with unknown fields: kept when they are plain values (strings, booleans,
    finite numbers, nulls), as the model keeps them; anything else goes to the model."""
    if _BAD in values or "id" in raw:
        return None
    props = {k: v for k, v in zip(names, values, strict=True) if v is not None}
    for key, value in raw.items():
        if key in _OUTCOME_KEYS or value is None:
            continue
        t = type(value)
        if t is float and not math.isfinite(value):
            return None
        if t not in (str, int, float, bool):
            return None
        props[key] = value
    props["id"] = "|".join((values[0], values[1], values[2], values[4] or "", values[5] or ""))
    return props


# Each field of OutcomeRecord in declaration order (the order the model dumps them in):
# its kind of value and whether it is required.
_OUTCOME_FIELDS: Final[dict[str, tuple[str, bool]]] = {
    "date": ("date", True),
    "campaign_id": ("id", True),
    "channel_id": ("id", True),
    "spend": ("money", True),
    "audience_id": ("id", False),
    "asset_id": ("id", False),
    "impressions": ("count", False),
    "clicks": ("count", False),
    "conversions": ("count", False),
    "revenue": ("amount", False),
    "leads": ("count", False),
}
_OUTCOME_KEYS: Final = frozenset(_OUTCOME_FIELDS)
if tuple(_OUTCOME_FIELDS) != tuple(OutcomeRecord.model_fields):  # pragma: no cover
    raise ImportError("ingest.columns is out of step with OutcomeRecord's fields")

# The kinds with a bulk path (the others are validated one record at a time).
BULK_VALIDATORS: Final[dict[str, BulkValidator]] = {"outcomes": _outcomes}
