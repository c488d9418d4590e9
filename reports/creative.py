"""Ad creative testing: tests found in the outcomes, lift by variant with intervals,
cost per result, experiment throughput.

A *test* is a campaign × channel × audience cell in which two or more assets ran on the
same days (a Meta ad set with several ads, a split of one channel's creative). Its
*control* is the variant that started first (most impressions on a tie). Each other
variant is compared with the control over the days both ran, on the result rate
(``result_rate``: results per impression, Meta's definition; ``ctr``: clicks per
impression; ``cvr``: results per click), where results are conversions (leads for a
campaign whose objective is leads). The lift is the rate ratio minus one with a 95 %
log risk-ratio (Katz) interval; its p-values are Holm-corrected within the test. A test
is *conclusive* when some variant differs from the control at Holm-adjusted p < 0.05;
the *winner* is then the variant (control included) with the best significant rate.
Every figure of a test covers its days only: the days on which two or more variants ran.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery, OutcomeTotals
from graph.schema import Label
from reports._graph import campaigns
from reports._stats import holm, lift, wilson
from reports.base import DEFAULT_LINEAGE_LIMIT, Kpi, Kpis, Window
from reports.errors import BadWindowError, check_inputs

Metric = Literal["result_rate", "ctr", "cvr"]
ALPHA = 0.05
RUNNING_DAYS = 2  # a test with data in the last two days before as_of is still running
_CELL = ("campaign_id", "channel_id", "audience_id", "asset_id")
# What a test's figures are made of (revenue is never read).
_METRICS = ("spend", "conversions", "clicks", "impressions", "leads")


class Variant(BaseModel):
    asset_id: str
    title: str | None
    control: bool
    days: int = Field(description="days of the test with impressions")
    impressions: float
    clicks: float
    results: float
    spend: float
    rate: float | None = Field(description="the metric over the variant's own days")
    rate_low: float | None = Field(description="Wilson 95 % interval of rate")
    rate_high: float | None
    lift: float | None = Field(description="vs the control over common days; None for it")
    lift_low: float | None = Field(description="95 % log risk-ratio (Katz) interval")
    lift_high: float | None
    p_value: float | None
    p_adjusted: float | None = Field(description="Holm-adjusted within the test")
    cost_per_result: float | None


class CreativeTest(BaseModel):
    id: str = Field(description="campaign|channel|audience")
    campaign_id: str
    channel_id: str
    audience_id: str | None
    start: date
    end: date
    status: str = Field(description="running or completed")
    metric: Metric
    variants: list[Variant]
    conclusive: bool
    winner: str | None


class CreativeReport(BaseModel):
    brand_id: str
    window: Window
    metric: Metric
    kpis: list[Kpi]
    tests: list[CreativeTest]


def creative_tests(
    store: GraphStore,
    *,
    brand_id: str,
    start: date | None = None,
    end: date | None = None,
    metric: Metric = "result_rate",
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
) -> CreativeReport:
    """The brand's creative tests over [start, end], with throughput and cost per result."""
    check_inputs(moments={"start": start, "end": end, "as_of": as_of})
    if start and end and end < start:
        raise BadWindowError(f"end {end} is before start {start}")
    as_of = as_of or datetime.now(UTC)
    mine = campaigns(store, brand_id)
    leads_first = {c for c, n in mine.items() if n.properties.get("objective") == "leads"}
    window = {"brand_id": brand_id, "start": start, "end": end}
    cells: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    # Which assets ran in which cell needs only the impressions of each (half the reads).
    query = OutcomeQuery(**window, group_by=_CELL, metrics=("impressions",))
    for t in store.aggregate_outcomes(query):
        if t.asset_id and t.campaign_id and t.channel_id and t.impressions > 0:
            cells[(t.campaign_id, t.channel_id, t.audience_id)].add(t.asset_id)
    tested = {cell for cell, assets in cells.items() if len(assets) > 1}
    days: dict[tuple[str, str, str | None], dict[str, dict[str, OutcomeTotals]]] = {}
    if tested:
        # By day for the few campaigns with a test only (4 of a demo brand's 38).
        query = OutcomeQuery(
            **window,
            campaign_ids=sorted({c for c, _, _ in tested}),
            group_by=(*_CELL, "date"),
            metrics=_METRICS,
        )
        for t in store.aggregate_outcomes(query):
            cell = (str(t.campaign_id), str(t.channel_id), t.audience_id)
            if cell in tested and t.asset_id and t.date and t.impressions > 0:
                days.setdefault(cell, {}).setdefault(t.asset_id, {})[t.date] = t
    titles = {n.id: n.properties.get("title") for n in store.get_nodes(
        [NodeRef(Label.ASSET, a) for cell in tested for a in cells[cell]]
    )}  # fmt: skip
    found = [
        _test(cell, days[cell], metric, cell[0] in leads_first, titles, as_of)
        for cell in sorted(tested, key=lambda c: (c[0], c[1], c[2] or ""))
        if cell in days and len(days[cell]) > 1
    ]
    tests = [t for t in found if t is not None]
    return CreativeReport(
        brand_id=brand_id,
        window=Window(start=start, end=end, as_of=as_of),
        metric=metric,
        kpis=_kpis(Kpis(lineage_limit), tests, start, end),
        tests=tests,
    )


def _fraction(t: OutcomeTotals, metric: Metric, leads: bool) -> tuple[float, float]:
    results = t.leads if leads else t.conversions
    if metric == "ctr":
        return t.clicks, t.impressions
    if metric == "cvr":
        return results, t.clicks
    return results, t.impressions


def _sum(rows: list[OutcomeTotals]) -> OutcomeTotals:
    total = OutcomeTotals()
    for r in rows:
        for field in ("spend", "impressions", "clicks", "conversions", "leads", "revenue"):
            setattr(total, field, getattr(total, field) + getattr(r, field))
    return total


def _test(
    cell: tuple[str, str, str | None],
    by_asset: dict[str, dict[str, OutcomeTotals]],
    metric: Metric,
    leads: bool,
    titles: dict[str, object],
    as_of: datetime,
) -> CreativeTest | None:
    def first_day(asset: str) -> tuple[str, float]:
        return (min(by_asset[asset]), -sum(t.impressions for t in by_asset[asset].values()))

    order = sorted(by_asset, key=first_day)  # the incumbent first: it ran before the test
    running = Counter(d for days in by_asset.values() for d in days)
    shared = sorted(d for d, n in running.items() if n > 1)  # the test: days 2+ variants ran
    if not shared:
        return None
    by_asset = {
        a: {d: t for d, t in days.items() if running[d] > 1} for a, days in by_asset.items()
    }
    assets = [a for a in order if by_asset[a]]
    control = assets[0]
    comparisons: list[tuple[float, float, float, float] | None] = []
    for asset in assets[1:]:
        common = [d for d in by_asset[asset] if d in by_asset[control]]
        x1, n1 = _fraction(_sum([by_asset[asset][d] for d in common]), metric, leads)
        x0, n0 = _fraction(_sum([by_asset[control][d] for d in common]), metric, leads)
        comparisons.append(lift(x1, n1, x0, n0))
    adjusted = holm([c[3] if c else None for c in comparisons])
    variants = []
    for i, asset in enumerate(assets):
        total = _sum(list(by_asset[asset].values()))
        x, n = _fraction(total, metric, leads)
        low, high = wilson(x, n)
        results = total.leads if leads else total.conversions
        comp = comparisons[i - 1] if i else None
        variants.append(
            Variant(
                asset_id=asset,
                title=str(titles.get(asset)) if titles.get(asset) else None,
                control=i == 0,
                days=len(by_asset[asset]),
                impressions=total.impressions,
                clicks=total.clicks,
                results=results,
                spend=round(total.spend, 2),
                rate=x / n if n else None,
                rate_low=low,
                rate_high=high,
                lift=comp[0] if comp else None,
                lift_low=comp[1] if comp else None,
                lift_high=comp[2] if comp else None,
                p_value=comp[3] if comp else None,
                p_adjusted=adjusted[i - 1] if i else None,
                cost_per_result=round(total.spend / results, 4) if results else None,
            )
        )
    last = date.fromisoformat(shared[-1])
    significant = [v for v in variants[1:] if v.p_adjusted is not None and v.p_adjusted < ALPHA]
    winner = None
    if significant:
        best = max(significant, key=lambda v: v.lift or 0.0)
        winner = best.asset_id if (best.lift or 0.0) > 0 else variants[0].asset_id
    return CreativeTest(
        id="|".join((cell[0], cell[1], cell[2] or "")),
        campaign_id=cell[0],
        channel_id=cell[1],
        audience_id=cell[2],
        start=date.fromisoformat(min(shared)),
        end=last,
        status="running" if last >= as_of.date() - timedelta(days=RUNNING_DAYS) else "completed",
        metric=metric,
        variants=variants,
        conclusive=bool(significant),
        winner=winner,
    )


def _kpis(k: Kpis, tests: list[CreativeTest], start: date | None, end: date | None) -> list[Kpi]:
    def refs(chosen: list[CreativeTest]) -> list[NodeRef]:
        out = []
        for t in chosen:
            out.append(NodeRef(Label.CAMPAIGN, t.campaign_id))
            out += [NodeRef(Label.ASSET, v.asset_id) for v in t.variants]
        return out

    done = [t for t in tests if t.status == "completed"]
    conclusive = [t for t in done if t.conclusive]
    first = start or min((t.start for t in tests), default=None)
    last = end or max((t.end for t in tests), default=None)
    months = ((last - first).days + 1) / 30.4375 if first and last else None
    spend = sum(v.spend for t in tests for v in t.variants)
    results = sum(v.results for t in tests for v in t.variants)
    low, high = wilson(len(conclusive), len(done))
    return [
        k.kpi("creative_tests", len(tests), "count", refs(tests)),
        k.kpi(
            "creative_tests_running",
            len(tests) - len(done),
            "count",
            refs([t for t in tests if t.status == "running"]),
        ),
        k.kpi(
            "experiment_throughput",
            len(done) / months if months else None,
            "per_month",
            refs(done),
            n=len(done),
            method="completed tests / months of the window (30.44 days)",
        ),
        k.kpi(
            "conclusive_share",
            len(conclusive) / len(done) if done else None,
            "share",
            refs(done),
            n=len(done),
            low=low,
            high=high,
            method="completed tests with a variant different from the control at Holm-adjusted "
            "p < 0.05; Wilson 95 % interval",
        ),
        k.kpi(
            "cost_per_result",
            spend / results if results else None,
            "money",
            refs(tests),
            n=int(results),
            method="spend / results over every variant of every test",
        ),
    ]
