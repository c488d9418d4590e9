"""Node queries of the graph contract: conditions on properties, an order and a page.

``where`` maps a property name to a condition; every condition must hold:

* a value (string, number or boolean): the property equals it, of the same kind (a
  boolean never equals a number, ``1`` equals ``1.0``);
* ``None``: the property is absent;
* :class:`In`: the property equals one of the values;
* :class:`Range`: the property lies within the bounds, of the same kind as the bounds
  (strings compare as text: ISO timestamps of one time zone order as time).

Results are ordered by ``order_by`` (ascending, or descending), nodes without that
property last in either direction, ties by id; without ``order_by``, by id. Both backends
answer the same; property names are checked as identifiers and values are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from graph.schema import Label, validate_label, validate_property_name

Scalar = str | int | float | bool
Kind = Literal["string", "number", "boolean"]
MAX_CONDITIONS = 16  # conditions of one query (each Range bound counts as one)


def kind_of(value: Scalar) -> Kind:
    """Which kind of value this is, for comparisons that both backends answer alike."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    raise ValueError(f"a condition compares strings, numbers and booleans, not {value!r}")


@dataclass(frozen=True, init=False)
class In:
    """The property equals one of ``values`` (all strings, all numbers or all booleans)."""

    values: tuple[Scalar, ...]
    kind: Kind | None  # None: no value, nothing matches

    def __init__(self, values: Iterable[Scalar]) -> None:
        found = tuple(dict.fromkeys(values))
        kinds = {kind_of(v) for v in found}
        if len(kinds) > 1:
            raise ValueError(f"In values must be of one kind, got {sorted(kinds)}")
        object.__setattr__(self, "values", found)
        object.__setattr__(self, "kind", kinds.pop() if kinds else None)


@dataclass(frozen=True)
class Range:
    """The property lies within the bounds given (strings or numbers, all of one kind)."""

    gt: str | int | float | None = None
    gte: str | int | float | None = None
    lt: str | int | float | None = None
    lte: str | int | float | None = None

    def __post_init__(self) -> None:
        kinds = {kind_of(v) for _, v in self.bounds()}
        if not kinds:
            raise ValueError("a Range needs at least one of gt, gte, lt, lte")
        if "boolean" in kinds or len(kinds) > 1:
            raise ValueError(f"Range bounds must be all strings or all numbers, got {self}")

    @property
    def kind(self) -> Kind:
        return kind_of(self.bounds()[0][1])

    def bounds(self) -> list[tuple[Literal["gt", "gte", "lt", "lte"], str | int | float]]:
        """The bounds given, in a fixed order."""
        out: list[tuple[Literal["gt", "gte", "lt", "lte"], str | int | float]] = []
        for op, value in (("gt", self.gt), ("gte", self.gte), ("lt", self.lt), ("lte", self.lte)):
            if value is not None:
                out.append((op, value))  # type: ignore[arg-type]
        return out


Condition = Scalar | None | In | Range
# A property value as a group of ``count_by``: None when absent, a list as a tuple.
Value = Scalar | tuple[Scalar, ...] | None
Where = Mapping[str, Condition]


@dataclass(frozen=True)
class NodeQuery:
    """A checked query: ``label``'s nodes matching ``where``, ordered, one page of them."""

    label: Label
    where: dict[str, Condition] = field(default_factory=dict)
    order_by: str | None = None
    descending: bool = False
    limit: int = 100
    offset: int = 0

    def __post_init__(self) -> None:
        validate_label(self.label)
        conditions = 0
        for name, cond in self.where.items():
            validate_property_name(name)
            if isinstance(cond, Range):
                conditions += len(cond.bounds())
            elif isinstance(cond, In) or cond is None:
                conditions += 1
            else:
                kind_of(cond)
                conditions += 1
        if conditions > MAX_CONDITIONS:
            raise ValueError(f"at most {MAX_CONDITIONS} conditions in one query, got {conditions}")
        if self.order_by is not None:
            validate_property_name(self.order_by)
        if self.limit < 0 or self.offset < 0:
            raise ValueError(f"limit and offset must be >= 0, got {self.limit}, {self.offset}")

    @classmethod
    def of(
        cls,
        label: Label,
        where: Where | None = None,
        *,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> NodeQuery:
        return cls(label, dict(where or {}), order_by, descending, limit, offset)


def check_where(label: Label, where: Where | None) -> dict[str, Condition]:
    """``where`` checked as :class:`NodeQuery` checks it."""
    return NodeQuery.of(label, where, limit=0).where


__all__ = [
    "Condition",
    "In",
    "NodeQuery",
    "Range",
    "Scalar",
    "Value",
    "Where",
    "check_where",
    "kind_of",
]
