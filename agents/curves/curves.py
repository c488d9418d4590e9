"""Response curves from outcomes: fit them (pure), read their input from the graph, record them.

The model, per channel × audience pair and day: ``metric = hill(spend) × season × noise``,
``hill(s) = alpha · s^shape / (half^shape + s^shape)``, spend and metric summed over every
campaign of the pair that day, multiplicative (log-normal) noise, and a seasonal factor of
weekday × month per brand estimated from the data. How the fit works lives in
:mod:`agents.curves._pipeline` (seasonality, pooling, shrinkage) and
:mod:`agents.curves._fit` (one robust fit and its interval).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from agents.curves._pipeline import ChangeHint, fit_all
from agents.curves.response_curve import METRICS, DailyPoint, Metric, ResponseCurve
from agents.curves.settings import DEFAULT, FitSettings
from graph.base import GraphStore
from graph.models import (
    Edge,
    GraphBatch,
    Node,
    NodeRef,
    OutcomeKey,
    OutcomeQuery,
    canonical_json,
)
from graph.query import Condition
from graph.schema import Label, RelType

# Daily totals per campaign within each pair: the fit sums them per pair and day, and the
# split by campaign measures how much campaigns differ (the curves' level uncertainty).
DAILY_GROUPING = ("campaign_id", "channel_id", "audience_id", "date")


def fit_curves(
    daily: Sequence[DailyPoint],
    *,
    min_days: int = 30,
    metric: str = "revenue",
    settings: FitSettings = DEFAULT,
    hints: Mapping[tuple[str, str], Sequence[ChangeHint]] | None = None,
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
    curve is 0 there). ``settings`` say how days are weighed: a recency half-life, and
    whether a pair whose level shifted for good is refitted from the change (the
    ``[curves]`` section of the policy file, :mod:`agents.curves.settings`). ``hints``
    are the drift alerts' word on pairs (:func:`change_hints`): where one says a pair's
    level moved, the shift is measured at its day and needs only ``settings.alert_z``.

    Raises:
        ValueError: an unknown metric or a ``min_days`` below 1.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}")
    if min_days < 1:
        raise ValueError(f"min_days must be at least 1, got {min_days}")
    chosen: Metric = "revenue" if metric == "revenue" else "conversions"
    return fit_all(daily, min_days, chosen, settings, hints)


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
    settings: FitSettings = DEFAULT,
) -> list[ResponseCurve]:
    """Fit curves on the outcomes in the graph (of one brand, between two dates inclusive)."""
    query = outcome_query(brand_id, start, end)
    source = canonical_json(query.model_dump(mode="json"))
    points = daily_points(store, query)
    hints = change_hints(store, brand_id) if settings.change_points else {}
    curves = fit_curves(points, min_days=min_days, metric=metric, settings=settings, hints=hints)
    return [replace(c, source_query=source) for c in curves]


def change_hints(
    store: GraphStore, brand_id: str | None
) -> dict[tuple[str, str], list[ChangeHint]]:
    """The drift alerts raised on the brand's lines (every brand's when None), per pair:
    the day each said the line's level moved and the ratio it measured. An alert is the
    validation agent's verdict on a line it watched; the fit takes it as a place to look
    for a change point, not as one (the days must still show it)."""
    where: dict[str, Condition] = {"kind": "drift"}
    if brand_id is not None:
        where["brand_id"] = brand_id
    hints: dict[tuple[str, str], list[ChangeHint]] = {}
    for alert in store.find_all(Label.ALERT, where):
        props = alert.properties
        channel, audience, started = (
            props.get("channel_id"),
            props.get("audience_id"),
            props.get("started_on"),
        )
        ratio = props.get("ratio")
        if not (channel and audience and started) or not isinstance(ratio, int | float):
            continue
        try:
            day = date.fromisoformat(str(started)[:10])
        except ValueError:
            continue
        hints.setdefault((str(channel), str(audience)), []).append(
            ChangeHint(started_on=day, ratio=float(ratio))
        )
    return hints


def record_curves(
    store: GraphStore, curves: Sequence[ResponseCurve], *, link_outcomes: bool = True
) -> list[Node]:
    """Write each new curve as a versioned ResponseCurve node, in one transaction.

    A curve's id comes from its pair, metric, method version and data, so a curve already
    stored is not written again. A new one gets the next ``revision`` of its ``series``
    (pair and metric) and a SUPERSEDES edge to the latest earlier revision, and FITTED_ON
    edges to its channel, its audience and every outcome row of the pair it was fitted on
    (found again through ``source_query``, within its first and last date), so lineage
    runs from a curve down to the rows. Returns the nodes of all ``curves``.
    """
    nodes = [c.to_node() for c in curves]
    existing = store.existing_ids(Label.RESPONSE_CURVE, [n.id for n in nodes])
    fresh = [(c, n) for c, n in zip(curves, nodes, strict=True) if n.id not in existing]
    if not fresh:
        return nodes
    latest = _latest_revisions(store, {c.brand_id for c, _ in fresh})
    rows = _rows_by_pair(store, [c for c, _ in fresh]) if link_outcomes else {}
    edges: list[Edge] = []
    written: list[Node] = []
    for curve, node in fresh:
        series = series_key(curve)
        previous = latest.get(series)
        node.properties["series"] = series
        node.properties["revision"] = 1 if previous is None else previous[0] + 1
        written.append(node)
        if previous is not None:
            dst = NodeRef(label=Label.RESPONSE_CURVE, id=previous[1])
            edges.append(Edge(src=node.ref, type=RelType.SUPERSEDES, dst=dst))
        for label, node_id in (
            (Label.CHANNEL, curve.channel_id),
            (Label.AUDIENCE, curve.audience_id),
        ):
            dst = NodeRef(label=label, id=node_id)
            edges.append(Edge(src=node.ref, type=RelType.FITTED_ON, dst=dst))
        for key in rows.get((curve.source_query, *curve.pair), []):
            if curve.first_date.isoformat() <= (key.date or "") <= curve.last_date.isoformat():
                dst = NodeRef(label=Label.OUTCOME, id=key.id)
                edges.append(Edge(src=node.ref, type=RelType.FITTED_ON, dst=dst))
    store.write(GraphBatch(nodes=written, edges=edges))
    return nodes


def series_key(curve: ResponseCurve) -> str:
    """The pair and metric a curve belongs to; its revisions share this key."""
    return f"{curve.channel_id}|{curve.audience_id}|{curve.metric}"


def _latest_revisions(store: GraphStore, brands: set[str | None]) -> dict[str, tuple[int, str]]:
    """Per series, the highest stored revision and its curve id (for the brands given)."""
    latest: dict[str, tuple[int, str]] = {}
    for brand in sorted(b for b in brands if b is not None):
        for node in store.find_all(Label.RESPONSE_CURVE, {"brand_id": brand}):
            series = node.properties.get("series")
            revision = node.properties.get("revision")
            fresher = isinstance(revision, int) and (
                series not in latest or latest[str(series)][0] < revision
            )
            if isinstance(series, str) and isinstance(revision, int) and fresher:
                latest[series] = (revision, node.id)
    return latest


def _rows_by_pair(
    store: GraphStore, curves: Sequence[ResponseCurve]
) -> dict[tuple[str | None, str, str], list[OutcomeKey]]:
    """Outcome rows of each curve's source query, by (query, channel, audience)."""
    out: dict[tuple[str | None, str, str], list[OutcomeKey]] = {}
    for source in sorted({c.source_query for c in curves if c.source_query}):
        query = OutcomeQuery.model_validate_json(source)
        for key in store.outcome_keys(query):
            if key.channel_id and key.audience_id:
                out.setdefault((source, key.channel_id, key.audience_id), []).append(key)
    return out
