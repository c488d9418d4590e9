"""Response curves from outcomes: fit them (pure), read their input from the graph, record them.

The model, per channel × audience pair and day: ``metric = hill(spend) × season × noise``,
``hill(s) = alpha · s^shape / (half^shape + s^shape)``, spend and metric summed over every
campaign of the pair that day, multiplicative (log-normal) noise, and a seasonal factor of
weekday × month per brand estimated from the data. How the fit works lives in
:mod:`agents.planner._pipeline` (seasonality, pooling, shrinkage) and
:mod:`agents.planner._fit` (one robust fit and its interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from agents.planner._pipeline import fit_all
from agents.planner.response_curve import METRICS, DailyPoint, Metric, ResponseCurve
from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef, OutcomeQuery, canonical_json
from graph.schema import Label, RelType

# Daily totals per campaign within each pair: the fit sums them per pair and day, and the
# split by campaign measures how much campaigns differ (the curves' level uncertainty).
DAILY_GROUPING = ("campaign_id", "channel_id", "audience_id", "date")


def fit_curves(
    daily: Sequence[DailyPoint], *, min_days: int = 30, metric: str = "revenue"
) -> list[ResponseCurve]:
    """Fit a Hill curve of ``metric`` against daily spend for every channel × audience pair.

    Fitting is on log-parameters: robust least squares (scipy ``soft_l1``) on log revenue,
    Poisson likelihood for conversion counts; on values divided by weekday × month factors
    estimated per brand by backfitting. Each pair is shrunk towards its channel's pooled
    curve (the channel's other audiences in the brand) by a normal prior whose scale is
    estimated from how far well-supplied pairs sit from their pools, so the pull fades as a
    pair's days add up. Intervals: the Laplace posterior from the Jacobian with a Newey-West
    correction for serially correlated days (not a bootstrap: that would cost a hundred fits
    per pair), widened by the pair's level uncertainty from campaign effects (points with
    ``campaign_id``) or month-to-month drift. Pairs with fewer than ``min_days`` days of
    positive spend are flagged ``thin``: they keep the pooled shape and half-saturation
    and move only as far as their few days justify. Days without spend are left out (the
    curve is 0 there).

    Raises:
        ValueError: an unknown metric or a ``min_days`` below 1.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}")
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1, got {min_days}")
    chosen: Metric = "revenue" if metric == "revenue" else "conversions"
    return fit_all(daily, min_days, chosen)


def outcome_query(
    brand_id: str | None = None, start: date | None = None, end: date | None = None
) -> OutcomeQuery:
    """The outcome aggregate curves are fitted on: daily totals per campaign and pair."""
    return OutcomeQuery(brand_id=brand_id, start=start, end=end, group_by=DAILY_GROUPING)


def daily_points(store: GraphStore, query: OutcomeQuery) -> list[DailyPoint]:
    """Daily points from the graph, with each audience's brand (for seasonality).

    Outcomes without an audience cannot be placed on a pair's curve and are skipped.
    """
    totals = store.aggregate_outcomes(query)
    audiences = sorted({t.audience_id for t in totals if t.audience_id})
    nodes = store.get_nodes([NodeRef(label=Label.AUDIENCE, id=a) for a in audiences])
    brand_of = {n.id: n.properties.get("brand_id") for n in nodes}
    return [
        DailyPoint(
            channel_id=t.channel_id,
            audience_id=t.audience_id,
            date=date.fromisoformat(t.date),
            spend=t.spend,
            revenue=t.revenue,
            conversions=t.conversions,
            brand_id=brand_of.get(t.audience_id) or query.brand_id,
            rows=t.rows,
            campaign_id=t.campaign_id,
        )
        for t in totals
        if t.channel_id and t.audience_id and t.date
    ]


def curves_from_graph(
    store: GraphStore,
    brand_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    min_days: int = 30,
    metric: str = "revenue",
) -> list[ResponseCurve]:
    """Fit curves on the outcomes in the graph (of one brand, between two dates inclusive)."""
    query = outcome_query(brand_id, start, end)
    source = canonical_json(query.model_dump(mode="json"))
    curves = fit_curves(daily_points(store, query), min_days=min_days, metric=metric)
    return [replace(c, source_query=source) for c in curves]


def record_curves(store: GraphStore, curves: Sequence[ResponseCurve]) -> list[Node]:
    """Write each curve as a ResponseCurve node with FITTED_ON edges to its Channel and
    Audience, in one transaction; returns the nodes.

    There are no FITTED_ON edges to the Outcome rows: a curve is fitted on hundreds to
    thousands of rows, so the edges would outnumber everything else the planner writes and
    make every lineage walk wade through them. The node keeps what re-derives the rows
    instead: the outcome query (``source_query``), the date range and the row count, and
    the digest of the data (part of its id); the rows are the Outcome nodes with OF edges to
    both the channel and the audience, within those dates.
    """
    nodes = [c.to_node() for c in curves]
    edges = []
    for curve, node in zip(curves, nodes, strict=True):
        for label, node_id in (
            (Label.CHANNEL, curve.channel_id),
            (Label.AUDIENCE, curve.audience_id),
        ):
            dst = NodeRef(label=label, id=node_id)
            edges.append(Edge(src=node.ref, type=RelType.FITTED_ON, dst=dst))
    store.write(GraphBatch(nodes=nodes, edges=edges))
    return nodes
