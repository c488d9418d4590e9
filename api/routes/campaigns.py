"""Brands and campaigns with their outcome totals and daily trends (what the console charts)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import GraphDep, Viewer
from api.errors import ApiError
from api.schemas.campaigns import (
    TREND_METRICS,
    BrandChannelPublic,
    BrandPublic,
    CampaignSummary,
    CampaignTotalsPublic,
    CurrencyTotalsPublic,
    TotalsPublic,
    TrendMetric,
    TrendPublic,
)
from api.scope import ScopeDep
from graph.errors import NodeNotFoundError
from graph.models import Node, NodeRef, OutcomeQuery, OutcomeTotals
from graph.schema import Label
from workflows import campaign_listing as listing
from workflows.campaign_listing import CampaignFilter, Order, SortKey
from workflows.plans import brand_channels as plan_channels

router = APIRouter(prefix="/v1", tags=["campaigns"])

MAX_TREND_DAYS = 3660  # ten years of days: more is a mistake, not a chart

Brand = Annotated[str | None, Query(description="only this brand's (default: every brand)")]
Start = Annotated[date | None, Query(description="first day of outcomes, inclusive")]
End = Annotated[date | None, Query(description="last day of outcomes, inclusive")]
Search = Annotated[
    str | None,
    Query(max_length=200, description="only campaigns whose name or id holds this (any case)"),
]
_WINDOW: dict[int | str, dict[str, Any]] = {
    422: {"description": "end before start, or a window too long"},
}
_LIST: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a page of campaigns",
        "headers": {"X-Total-Count": {"description": "campaigns matching, over all pages"}},
    },
    **_WINDOW,
}
_TREND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such campaign"},
    **_WINDOW,
}


@router.get("/brands", response_model=list[BrandPublic])
async def list_brands(graph: GraphDep, _: Viewer, scope: ScopeDep) -> list[BrandPublic]:
    """The brands this key may see, by id."""

    def read() -> list[Node]:
        if scope.brands is None:
            return list(graph.find_all(Label.BRAND))
        refs = [NodeRef(label=Label.BRAND, id=b) for b in sorted(scope.brands)]
        return graph.get_nodes(refs)

    return [BrandPublic.of(n) for n in await run_in_threadpool(read)]


@router.get(
    "/brands/{brand_id}/channels",
    response_model=list[BrandChannelPublic],
    responses={404: {"description": "no such brand (or not one this key may see)"}},
)
async def brand_channels(
    brand_id: str, graph: GraphDep, _: Viewer, scope: ScopeDep
) -> list[BrandChannelPublic]:
    """The channels the brand has outcomes on, by id: the ones a plan can put money on
    (and limit, alone or in groups), with their names and kinds."""

    def read() -> list[Node]:
        if not scope.principal.sees_brand(brand_id) or not graph.existing_ids(
            Label.BRAND, [brand_id]
        ):  # another brand's is not there either
            raise NodeNotFoundError(brand_id, "Brand")
        return plan_channels(graph, brand_id)

    return [BrandChannelPublic.of(n) for n in await run_in_threadpool(read)]


@router.get("/campaigns", response_model=list[CampaignSummary], responses=_LIST)
async def list_campaigns(
    response: Response,
    graph: GraphDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: Brand = None,
    start: Start = None,
    end: End = None,
    q: Search = None,
    sort: Annotated[
        SortKey, Query(description="order by a property or an outcome total (default id)")
    ] = "id",
    order: Annotated[Order, Query(description="asc or desc; absent values go last")] = "asc",
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="skip this many")] = 0,
) -> list[CampaignSummary]:
    """Campaigns with their spend, revenue, conversions and ROAS totals: searched by name
    or id, sorted, a page at a time; the ``X-Total-Count`` header says how many matched."""
    _check_window(start, end, span=False)
    where = CampaignFilter(scope.brand_filter(brand_id), _search(q), start, end)
    found = await run_in_threadpool(listing.page, graph, where, sort, order, limit, offset)
    response.headers["X-Total-Count"] = str(found.total)
    return [CampaignSummary.of(n, t) for n, t in found.rows]


@router.get("/campaigns/summary", response_model=CampaignTotalsPublic, responses=_WINDOW)
async def campaigns_summary(
    graph: GraphDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: Brand = None,
    start: Start = None,
    end: End = None,
    q: Search = None,
) -> CampaignTotalsPublic:
    """How many campaigns match (as for the list) and their totals per currency: money
    of brands in different currencies is never added up."""
    _check_window(start, end, span=False)
    where = CampaignFilter(scope.brand_filter(brand_id), _search(q), start, end)
    count, groups = await run_in_threadpool(listing.by_currency, graph, where)
    return CampaignTotalsPublic(
        count=count,
        currencies=[
            CurrencyTotalsPublic(
                currency=g.currency,
                brands=g.brands,
                campaigns=g.campaigns,
                totals=TotalsPublic.of(g.totals),
            )
            for g in groups
        ],
    )


def _search(q: str | None) -> str | None:
    text = (q or "").strip()
    return text or None


@router.get("/campaigns/{campaign_id}/trend", response_model=TrendPublic, responses=_TREND)
async def campaign_trend(
    campaign_id: str,
    graph: GraphDep,
    _: Viewer,
    scope: ScopeDep,
    start: Start = None,
    end: End = None,
    metric: Annotated[
        list[TrendMetric] | None,
        Query(description="the series wanted (repeat the parameter); default: every metric"),
    ] = None,
) -> TrendPublic:
    """A campaign's daily spend, revenue, conversions and ROAS (days without rows are 0)."""
    _check_window(start, end)
    ref = NodeRef(label=Label.CAMPAIGN, id=campaign_id)
    wanted: list[TrendMetric] = list(dict.fromkeys(metric)) if metric else list(TREND_METRICS)

    def read() -> list[OutcomeTotals]:
        scope.require_ref(ref, "campaign")
        query = OutcomeQuery(campaign_ids=[campaign_id], start=start, end=end, group_by=("date",))
        return graph.aggregate_outcomes(query)

    rows = await run_in_threadpool(read)
    by_day = {date.fromisoformat(str(t.date)[:10]): t for t in rows if t.date}
    first = start or (min(by_day) if by_day else None)
    last = end or (max(by_day) if by_day else None)
    days: list[date] = []
    if first is not None and last is not None and first <= last:
        _check_span(first, last)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    series = {m: [_value(by_day.get(d), m) for d in days] for m in wanted}
    return TrendPublic(
        campaign_id=campaign_id,
        node_id=str(ref),
        start=days[0].isoformat() if days else None,
        end=days[-1].isoformat() if days else None,
        dates=[d.isoformat() for d in days],
        series=series,
        totals=TotalsPublic.of(_sum(rows)),
    )


def _value(t: OutcomeTotals | None, metric: TrendMetric) -> float | None:
    if t is None:
        return None if metric == "roas" else 0.0
    if metric == "roas":
        return None if t.roas is None else round(t.roas, 4)
    value = float(getattr(t, metric))
    return round(value, 2) if metric in ("spend", "revenue") else value


def _sum(rows: list[OutcomeTotals]) -> OutcomeTotals:
    return OutcomeTotals(
        rows=sum(t.rows for t in rows),
        spend=sum(t.spend for t in rows),
        revenue=sum(t.revenue for t in rows),
        conversions=sum(t.conversions for t in rows),
        clicks=sum(t.clicks for t in rows),
        impressions=sum(t.impressions for t in rows),
        leads=sum(t.leads for t in rows),
    )


def _check_window(start: date | None, end: date | None, *, span: bool = True) -> None:
    if start is not None and end is not None:
        if end < start:
            raise ApiError(422, "bad_window", f"end {end} is before start {start}")
        if span:
            _check_span(start, end)


def _check_span(first: date, last: date) -> None:
    days = (last - first).days + 1
    if days > MAX_TREND_DAYS:
        raise ApiError(
            422,
            "bad_window",
            f"the window spans {days} days; ask for at most {MAX_TREND_DAYS} at once",
        )
