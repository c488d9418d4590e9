"""An Outcome node as a row of ``outcomes``: typed columns, and the rest as JSON.

Each property with a column of its own (the date and the four ids as text, the six
metrics as numbers) is stored in that column only when the column gives it back exactly:
a string in a text column, a finite float in a number column. ``props`` holds the others
(a count sent as an int, a field the record does not define…) as JSON, usually ``{}``, so
an ingested row is written without encoding its properties and is about half as wide.
Reading rebuilds the properties from both, the JSON winning: a row written before this
layout, whose JSON holds every property, reads the same.

The number columns hold a numeric value even when the JSON keeps the property (an int):
the aggregates read the columns alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import copysign
from typing import Any, Final

from graph.embedded.jsontext import dumps, loads
from graph.models import Node
from graph.schema import validate_property_name

# Columns of ``outcomes`` holding a property, in the order the properties are rebuilt (the
# order of the canonical record's fields, as an ingest makes them).
TEXT: Final = ("date", "campaign_id", "channel_id", "audience_id", "asset_id")
NUMERIC: Final = ("spend", "revenue", "conversions", "clicks", "impressions", "leads")
_ORDER: Final = (
    "date",
    "campaign_id",
    "channel_id",
    "spend",
    "audience_id",
    "asset_id",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
    "leads",
)
# The row's columns as SELECT lists them for :func:`properties`.
COLUMNS: Final = ("id", *_ORDER, "props")
SELECT: Final = ", ".join(COLUMNS)
_TEXT: Final = frozenset(TEXT)
_NUMERIC: Final = frozenset(NUMERIC)
_KINDS: Final[dict[str, type]] = {
    "id": str,
    **dict.fromkeys(TEXT, str),
    **dict.fromkeys(NUMERIC, float),
}


def _number(value: Any) -> float | None:
    """The value of a number column: floats, ints and only those."""
    if type(value) is float:
        return value
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _extra(props: dict[str, Any]) -> dict[str, Any]:
    """The properties the columns cannot give back exactly, which the JSON keeps.

    A text column gives back a string; a number column a finite float (SQLite keeps no
    NaN, and may store 0.0 as an integer, losing the sign of -0.0); the id column the id
    (stored properties always repeat the node's id).
    """
    extra: dict[str, Any] = {}
    kinds = _KINDS
    for key, value in props.items():
        kind = kinds.get(key)
        if kind is str and type(value) is str:
            continue
        if (
            kind is float
            and type(value) is float
            and value - value == 0.0
            and (value or copysign(1.0, value) > 0.0)
        ):
            continue
        extra[key] = value
    return extra


def row(node: Node) -> tuple[Any, ...]:
    """The ``outcomes`` columns of one storable Outcome node, up to ``props``."""
    p = node.properties
    get = p.get
    return (
        node.id,
        get("date"),
        get("campaign_id"),
        get("channel_id"),
        get("audience_id"),
        get("asset_id"),
        _number(get("spend")),
        _number(get("revenue")),
        _number(get("conversions")),
        _number(get("clicks")),
        _number(get("impressions")),
        _number(get("leads")),
        dumps(_extra(p)),
    )


def properties(values: Sequence[Any]) -> dict[str, Any]:
    """An Outcome's properties from its columns as :data:`SELECT` lists them."""
    props = {k: v for k, v in zip(_ORDER, values[1:12], strict=True) if v is not None}
    text = values[12]
    if text != "{}":
        props.update(loads(text))
    props["id"] = values[0]
    return props


def value_sql(name: str) -> str:
    """SQL for the value of property ``name`` of an outcome row (NULL when absent)."""
    prop = validate_property_name(name)
    if prop == "id":
        return "id"
    if prop in _TEXT or prop in _NUMERIC:
        return f"coalesce(json_extract(props, '$.{prop}'), {prop})"
    return f"json_extract(props, '$.{prop}')"


def type_sql(name: str) -> str:
    """SQL for the JSON type of property ``name`` of an outcome row (NULL when absent)."""
    prop = validate_property_name(name)
    if prop == "id":
        return "'text'"
    kind = "text" if prop in _TEXT else "real" if prop in _NUMERIC else None
    if kind is None:
        return f"json_type(props, '$.{prop}')"
    return f"coalesce(json_type(props, '$.{prop}'), CASE WHEN {prop} IS NOT NULL THEN '{kind}' END)"
