"""Campaigns as the console lists them: searched, sorted, paged, with totals per currency.

A listing reads the campaigns the key may see (one brand, the key's brands, or all),
keeps those whose name or id holds the search text, sorts them by a property or by an
outcome total, and returns one page with the number that matched. Totals sum each
brand's currency apart: pounds, dollars and euros are never added together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, get_args

from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery, OutcomeTotals
from graph.query import Condition, In
from graph.schema import Label

SortKey = Literal[
    "id",
    "name",
    "status",
    "objective",
    "start_date",
    "end_date",
    "budget",
    "spend",
    "revenue",
    "roas",
    "conversions",
]
SORT_KEYS: Final[tuple[str, ...]] = get_args(SortKey)
METRIC_KEYS: Final = frozenset({"spend", "revenue", "roas", "conversions"})
Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class CampaignFilter:
    """Which campaigns, and the outcome window their totals cover."""

    brands: list[str] | None
    q: str | None = None
    start: date | None = None
    end: date | None = None

    def matches(self, node: Node) -> bool:
        if not self.q:
            return True
        needle = self.q.casefold()
        name = str(node.properties.get("name") or "")
        return needle in name.casefold() or needle in node.id.casefold()


@dataclass(frozen=True)
class Page:
    """One page of campaigns with their totals, and how many matched in all."""

    rows: list[tuple[Node, OutcomeTotals | None]]
    total: int


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str | None
    brands: list[str]
    campaigns: int
    totals: OutcomeTotals


def matching(graph: GraphStore, where: CampaignFilter) -> list[Node]:
    """Every campaign the filter keeps, by id (read a page at a time, never capped)."""
    conditions: dict[str, Condition] = {}
    if where.brands is not None:
        conditions["brand_id"] = In(where.brands)
    return [n for n in graph.find_all(Label.CAMPAIGN, conditions) if where.matches(n)]


def totals_of(
    graph: GraphStore, nodes: list[Node], where: CampaignFilter
) -> dict[str, OutcomeTotals]:
    if not nodes:
        return {}
    query = OutcomeQuery(
        campaign_ids=[n.id for n in nodes],
        start=where.start,
        end=where.end,
        group_by=("campaign_id",),
    )
    return {str(t.campaign_id): t for t in graph.aggregate_outcomes(query)}


def page(
    graph: GraphStore,
    where: CampaignFilter,
    sort: SortKey = "id",
    order: Order = "asc",
    limit: int = 100,
    offset: int = 0,
) -> Page:
    """One page of the campaigns ``where`` keeps, sorted; absent values sort last."""
    nodes = matching(graph, where)
    descending = order == "desc"
    if sort in METRIC_KEYS:
        totals = totals_of(graph, nodes, where)

        def metric(n: Node) -> float | None:
            t = totals.get(n.id)
            if t is None:
                return None if sort == "roas" else 0.0
            return t.roas if sort == "roas" else float(getattr(t, sort))

        ordered = _sorted(nodes, metric, descending)
        chosen = ordered[offset : offset + limit]
    else:
        ordered = _sorted(nodes, lambda n: _property(n, sort), descending)
        chosen = ordered[offset : offset + limit]
        totals = totals_of(graph, chosen, where)
    return Page(rows=[(n, totals.get(n.id)) for n in chosen], total=len(nodes))


def by_currency(graph: GraphStore, where: CampaignFilter) -> tuple[int, list[CurrencyTotals]]:
    """How many campaigns match, and their outcome totals summed per brand currency."""
    nodes = matching(graph, where)
    totals = totals_of(graph, nodes, where)
    brand_ids = sorted({str(n.properties.get("brand_id") or "") for n in nodes} - {""})
    currency_of = {
        b.id: (str(b.properties["currency"]) if b.properties.get("currency") else None)
        for b in graph.get_nodes([NodeRef(label=Label.BRAND, id=i) for i in brand_ids])
    }
    groups: dict[str | None, dict[str, Any]] = {}
    for n in nodes:
        brand = str(n.properties.get("brand_id") or "")
        currency = currency_of.get(brand)
        group = groups.setdefault(
            currency, {"brands": set(), "campaigns": 0, "totals": OutcomeTotals()}
        )
        group["campaigns"] += 1
        if brand:
            group["brands"].add(brand)
        t = totals.get(n.id)
        if t is not None:
            group["totals"] = _add(group["totals"], t)
    out = [
        CurrencyTotals(
            currency=currency,
            brands=sorted(g["brands"]),
            campaigns=g["campaigns"],
            totals=g["totals"],
        )
        for currency, g in groups.items()
    ]
    out.sort(key=lambda c: (-c.totals.spend, c.currency or "~"))
    return len(nodes), out


def _property(node: Node, key: str) -> Any:
    if key == "id":
        return node.id
    value = node.properties.get(key)
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None if value is None else str(value)
    return float(value)


def _sorted(nodes: list[Node], key: Any, descending: bool) -> list[Node]:
    """By ``key`` (absent values last in either order), ties by id ascending."""
    present = [(key(n), n) for n in nodes]
    valued = [(v, n) for v, n in present if v is not None]
    absent = [n for v, n in present if v is None]
    kinds = {type(v) for v, _ in valued}
    if len(kinds) > 1:  # mixed numbers and texts: compare as texts
        valued = [(str(v), n) for v, n in valued]
    valued.sort(key=lambda p: p[1].id)
    valued.sort(key=lambda p: p[0], reverse=descending)
    return [n for _, n in valued] + sorted(absent, key=lambda n: n.id)


def _add(a: OutcomeTotals, b: OutcomeTotals) -> OutcomeTotals:
    return OutcomeTotals(
        rows=a.rows + b.rows,
        spend=a.spend + b.spend,
        revenue=a.revenue + b.revenue,
        conversions=a.conversions + b.conversions,
        clicks=a.clicks + b.clicks,
        impressions=a.impressions + b.impressions,
        leads=a.leads + b.leads,
    )
