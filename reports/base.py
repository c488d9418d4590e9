"""What every use case returns: KPIs with their lineage, over a window of the graph.

A KPI is a number computed from graph nodes through the ``GraphStore`` contract, with
the ids of the nodes it was computed from (``Label:id``, as ``GET /v1/lineage`` takes),
how many observations it rests on, and an interval with the method that produced it
where one is stated. Lineage lists are capped (``lineage_limit``); ``count`` always says
how many nodes there were.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, Field

from graph.models import NodeRef

DEFAULT_LINEAGE_LIMIT = 200


class Lineage(BaseModel):
    """The nodes a figure was computed from."""

    count: int = Field(description="how many nodes the figure was computed from")
    node_ids: list[str] = Field(description="their ids as Label:id (capped at lineage_limit)")
    truncated: bool = Field(description="node_ids is shorter than count")


class Kpi(BaseModel):
    """One figure, its uncertainty where stated, and where it came from."""

    name: str
    value: float | None = Field(description="None when there is nothing to compute it from")
    unit: str = Field(description="minutes, share (0-1), count, per_week, days, money…")
    n: int = Field(description="observations the figure rests on")
    low: float | None = Field(default=None, description="lower end of the stated interval")
    high: float | None = Field(default=None, description="upper end of the stated interval")
    method: str | None = Field(default=None, description="how the figure/interval is computed")
    lineage: Lineage


class Window(BaseModel):
    """The period a report covers (dates inclusive) and the moment it was computed for."""

    start: date | None = None
    end: date | None = None
    as_of: datetime


class Kpis:
    """Builds KPIs with lineage capped at one limit."""

    def __init__(self, lineage_limit: int = DEFAULT_LINEAGE_LIMIT) -> None:
        self.limit = max(0, lineage_limit)

    def lineage(self, refs: Iterable[NodeRef]) -> Lineage:
        unique = dict.fromkeys(refs)  # only the ids listed are written out as text
        ids = [str(r) for r in itertools.islice(unique, self.limit)]
        count = len(unique)
        return Lineage(count=count, node_ids=ids, truncated=count > self.limit)

    def kpi(
        self,
        name: str,
        value: float | None,
        unit: str,
        refs: Iterable[NodeRef],
        *,
        n: int | None = None,
        low: float | None = None,
        high: float | None = None,
        method: str | None = None,
    ) -> Kpi:
        lineage = self.lineage(refs)
        return Kpi(
            name=name,
            value=None if value is None else round(value, 6),
            unit=unit,
            n=lineage.count if n is None else n,
            low=None if low is None else round(low, 6),
            high=None if high is None else round(high, 6),
            method=method,
            lineage=lineage,
        )
