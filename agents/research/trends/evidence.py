"""The outcome rows a trend cites: the biggest rows of the group at each end of its series.

A trend rests on hundreds of rows; citing all of them would bury every lineage walk (the
planner's curves make the same choice, see ``record_curves``). A trend cites its group's
nodes (the channel, the audience, the hook's assets), the ``query`` that re-derives all
its rows, and :data:`PER_END` rows from each end of the series (its first and last week
with data), the largest by spend, so the lineage shows the rows the change is read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from agents.research.models import Citation
from agents.research.trends.series import Series
from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery, OutcomeTotals
from graph.schema import Label

PER_END = 3
EDGE_DAYS = 7
_ALL_KEYS = ("campaign_id", "channel_id", "audience_id", "asset_id", "date")


def outcome_id(row: OutcomeTotals) -> str:
    """The natural key of an outcome row, as ingest writes it (DATA.md): date, campaign,
    channel, audience and asset, missing parts empty."""
    parts = (row.date, row.campaign_id, row.channel_id, row.audience_id, row.asset_id)
    return "|".join(p or "" for p in parts)


class EdgeRows:
    """Single outcome rows of the brand over a few days, read once per date range."""

    def __init__(self, store: GraphStore, brand_id: str) -> None:
        self._store = store
        self._brand_id = brand_id
        self._cache: dict[tuple[date, date], list[OutcomeTotals]] = {}

    def between(self, start: date, end: date) -> list[OutcomeTotals]:
        key = (start, end)
        if key not in self._cache:
            query = OutcomeQuery(brand_id=self._brand_id, start=start, end=end, group_by=_ALL_KEYS)
            self._cache[key] = self._store.aggregate_outcomes(query)
        return self._cache[key]

    def ends(self, series: Series) -> list[tuple[str, list[OutcomeTotals]]]:
        """Rows of the series' first and last :data:`EDGE_DAYS` days with data."""
        if series.ordinals.size == 0:
            return []
        first = date.fromordinal(int(series.ordinals[0]))
        last = date.fromordinal(int(series.ordinals[-1]))
        span = timedelta(days=EDGE_DAYS - 1)
        return [
            ("start", self.between(first, min(first + span, last))),
            ("end", self.between(max(last - span, first), last)),
        ]


def _member(series: Series, row: OutcomeTotals) -> bool:
    if series.family == "brand":
        return True
    if series.family == "channel":
        return row.channel_id == series.key
    if series.family == "audience":
        return row.audience_id == series.key
    return row.asset_id in set(series.members)


def row_citations(
    store: GraphStore, series: Series, edges: EdgeRows, per_end: int = PER_END
) -> list[Citation]:
    """The largest rows of the series at each end of the window, as citations."""
    picked: list[tuple[str, OutcomeTotals]] = []
    for where, rows in edges.ends(series):
        mine = sorted(
            (r for r in rows if _member(series, r) and (where, r) not in picked),
            key=lambda r: (-r.spend, outcome_id(r)),
        )
        picked.extend((where, r) for r in mine[:per_end])
    ids = [outcome_id(r) for _, r in picked]
    present = store.existing_ids(Label.OUTCOME, ids)
    return [
        Citation(
            node_id=f"{Label.OUTCOME.value}:{outcome_id(r)}",
            reason=f"outcome row at the {where} of the series (spend {r.spend:,.2f}, "
            f"revenue {r.revenue:,.2f}, {r.conversions:g} conversions)",
        )
        for where, r in picked
        if outcome_id(r) in present
    ]


def group_citations(
    store: GraphStore, series: Series, score: float, limit: int = 5
) -> list[Citation]:
    """The group's own nodes (at most ``limit``), titled from the graph."""
    refs: Sequence[NodeRef] = series.cite[:limit]
    nodes = {n.ref: n for n in store.get_nodes(list(refs))}
    what = {
        "brand": "the brand whose outcomes make the series",
        "channel": "the channel whose outcomes make the series",
        "audience": "the audience whose outcomes make the series",
        "hook": f"an asset opening with the hook '{series.label}'",
        "topic": "an asset on the topic whose outcomes make the series",
    }[series.family]
    out = []
    for ref in refs:
        node = nodes.get(ref)
        if node is None:
            continue
        title = node.properties.get("title") or node.properties.get("name")
        out.append(
            Citation(
                node_id=str(ref),
                title=str(title) if title else None,
                score=round(score, 6),
                reason=what,
            )
        )
    return out


def cite(store: GraphStore, series: Series, edges: EdgeRows, q: float) -> list[Citation]:
    """Everything a trend cites: its group's nodes, then rows from both ends."""
    return group_citations(store, series, 1.0 - q) + row_citations(store, series, edges)
