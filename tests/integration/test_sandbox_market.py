"""The sandbox market: outcomes through the ingest pipeline, curves, shocks, experiments."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pytest

from agents.channels import Action, Target
from demo.sandbox import (
    SandboxAdapter,
    SandboxMarket,
    simulate_and_ingest,
)
from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from graph.models import GraphBatch, Node, NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from tests.integration.execution_helpers import demo, load_catalogue

START = date(2026, 12, 1)  # the day after the demo history ends


def set_budget(
    adapter: SandboxAdapter, channel: str, audience: str, amount: float, key: str
) -> str:
    action = Action(
        kind="set_budget",
        target=Target(channel_id=channel, audience_id=audience),
        params={"daily_budget": amount},
        idempotency_key=key,
    )
    return adapter.apply(action).execution_id


def market_on(store: GraphStore) -> tuple[SandboxMarket, SandboxAdapter]:
    market = SandboxMarket.from_demo(store, seed=7, brand_id="brand-trailhead")
    return market, SandboxAdapter(market)


@pytest.fixture
def catalogued(graph_store: GraphStore) -> GraphStore:
    load_catalogue(graph_store)
    return graph_store


@pytest.fixture
def embedded(embedded_store: EmbeddedGraphStore) -> EmbeddedGraphStore:
    load_catalogue(embedded_store)
    return embedded_store


def test_simulated_outcomes_go_through_ingest_and_point_at_their_executions(
    catalogued: GraphStore,
) -> None:
    market, adapter = market_on(catalogued)
    pairs = sorted(market.truth.pairs)[::9]
    budget_exe = {
        p: set_budget(adapter, *p, market.truth.pairs[p].half_saturation, f"b{i}")
        for i, p in enumerate(pairs)
    }
    asset = "ast-trailhead-00003"
    pushed = adapter.apply(
        Action(
            kind="push_asset",
            target=Target(channel_id=pairs[0][0], audience_id=pairs[0][1], asset_id=asset),
            idempotency_key="asset-1",
        )
    )

    run = simulate_and_ingest(market, START, 14)

    assert run.rows == 14 * len(pairs)
    assert run.report.accepted == run.rows + 1  # and the market's campaign
    assert catalogued.count(Label.OUTCOME) == run.rows
    campaign = catalogued.get_campaign_context(market.default_campaign_id)
    assert campaign.brand is not None and campaign.brand.id == "brand-trailhead"
    assert {c.id for c in campaign.channels} == {c for c, _ in pairs}
    expected: dict[str, float] = defaultdict(float)
    for record in market.simulate(START, 14):
        expected[record["channel_id"]] += record["revenue"]
    totals = catalogued.aggregate_outcomes(OutcomeQuery(group_by=("channel_id",)))
    assert {t.channel_id: round(t.revenue, 2) for t in totals} == {
        k: round(v, 2) for k, v in expected.items()
    }
    assert run.result_edges == run.rows + 14  # the asset line's rows also name its push
    assert catalogued.count_edges(RelType.RESULT_OF) == run.result_edges
    first = NodeRef(
        label=Label.OUTCOME,
        id=f"{START}|{market.default_campaign_id}|{pairs[0][0]}|{pairs[0][1]}|{asset}",
    )
    links = catalogued.incident_edges([first], 10, {RelType.RESULT_OF: "out"})
    assert {e.dst.id for e in links} == {budget_exe[pairs[0]], pushed.execution_id}
    causes = catalogued.get_lineage(first, "up", depth=1)  # "why this number": the actions
    assert {budget_exe[pairs[0]], pushed.execution_id} <= {n.id for n in causes.nodes}
    run_node = catalogued.require_node(NodeRef(label=Label.INGEST_RUN, id=run.report.run_id))
    assert any("sandbox:trailhead-s7" in s for s in run_node.properties["sources"])

    again = simulate_and_ingest(market, START, 14)
    assert again.report.already_ingested
    assert catalogued.count(Label.OUTCOME) == run.rows
    assert catalogued.count_edges(RelType.RESULT_OF) == run.result_edges


def test_the_same_state_gives_the_same_rows_however_the_days_are_cut(
    embedded: EmbeddedGraphStore,
) -> None:
    market, adapter = market_on(embedded)
    for i, pair in enumerate(sorted(market.truth.pairs)[:8]):
        set_budget(adapter, *pair, 50.0 + 10 * i, f"b{i}")

    whole = market.simulate(START, 20)
    cut = market.simulate(START, 7) + market.simulate(START + timedelta(days=7), 13)

    assert whole == cut
    assert len(whole) == 20 * 8


def test_a_lead_generating_brand_counts_leads(embedded: EmbeddedGraphStore) -> None:
    market = SandboxMarket.from_demo(embedded, seed=7, brand_id="brand-ledgerline")
    adapter = SandboxAdapter(market)
    pair = sorted(market.truth.pairs)[0]
    set_budget(adapter, *pair, 4 * market.truth.pairs[pair].half_saturation, "b")

    rows = market.simulate(START, 60)

    assert market.adapter_name == "sandbox:ledgerline-s7"
    assert {r["campaign_id"] for r in rows} == {"cmp-sandbox-ledgerline-s7"}
    assert sum(r["leads"] for r in rows) > 0


def test_a_line_spends_its_budget_and_a_paused_line_nothing(embedded: EmbeddedGraphStore) -> None:
    market, adapter = market_on(embedded)
    (ch, aud), (ch2, aud2) = sorted(market.truth.pairs)[:2]
    set_budget(adapter, ch, aud, 200.0, "b1")
    set_budget(adapter, ch2, aud2, 80.0, "b2")
    adapter.apply(
        Action(kind="pause", target=Target(channel_id=ch2, audience_id=aud2), idempotency_key="p")
    )

    rows = market.simulate(START, 30)

    assert {(r["channel_id"], r["audience_id"]) for r in rows} == {(ch, aud)}
    assert not any("leads" in r for r in rows)  # this brand does not count leads
    spend = np.array([r["spend"] for r in rows])
    assert spend.max() <= 200.0 and spend.min() >= 180.0


def _daily_revenue(market: SandboxMarket, days: int) -> float:
    """Mean daily revenue of the simulated rows divided by the day's seasonal factor."""
    rows = market.simulate(START, days)
    season = market.truth.season.factors([START + timedelta(days=i) for i in range(days)])
    by_day: dict[str, float] = defaultdict(float)
    for r in rows:
        by_day[r["date"]] += r["revenue"]
    return float(
        np.mean([by_day[(START + timedelta(days=i)).isoformat()] / season[i] for i in range(days)])
    )


def test_spending_more_gives_more_with_diminishing_returns(embedded: EmbeddedGraphStore) -> None:
    market, adapter = market_on(embedded)
    pair = ("ch-google-search", "aud-trailhead-returning")
    truth = market.truth.pairs[pair]
    budgets = [0.5, 1.0, 2.0, 4.0]
    revenue = []
    for i, multiple in enumerate(budgets):
        set_budget(adapter, *pair, truth.half_saturation * multiple, f"b{i}")
        revenue.append(_daily_revenue(market, 120))

    assert revenue == sorted(revenue)  # more spend, more revenue
    gains = np.diff(revenue) / np.diff(budgets)
    assert list(gains) == sorted(gains, reverse=True)  # … each extra unit returning less
    for multiple, observed in zip(budgets, revenue, strict=True):
        spend = truth.half_saturation * multiple * 0.95  # lines spend 90-100 % of budget
        assert observed == pytest.approx(market.expected_revenue(*pair, spend), rel=0.1)


def test_a_shock_halves_a_channels_revenue_from_its_date(embedded: EmbeddedGraphStore) -> None:
    market, adapter = market_on(embedded)
    pairs = [p for p in sorted(market.truth.pairs) if p[0] in ("ch-meta", "ch-email")]
    for i, pair in enumerate(pairs):
        set_budget(adapter, *pair, market.truth.pairs[pair].half_saturation, f"b{i}")
    before = market.simulate(START, 28)
    shock_day = START + timedelta(days=14)

    market.shock("ch-meta", factor=0.5, from_date=shock_day)
    after = market.simulate(START, 28)

    assert len(before) == len(after) > 0
    for old, new in zip(before, after, strict=True):
        hit = old["channel_id"] == "ch-meta" and old["date"] >= shock_day.isoformat()
        assert old["spend"] == new["spend"]
        assert new["revenue"] == pytest.approx(old["revenue"] * (0.5 if hit else 1.0), abs=0.011)
    with pytest.raises(ValueError, match="ch-nowhere"):
        market.shock("ch-nowhere")


def test_an_experiment_splits_traffic_and_the_better_variant_shows(
    embedded: EmbeddedGraphStore,
) -> None:
    market, adapter = market_on(embedded)
    pair = ("ch-meta", "aud-trailhead-returning")
    candidates = [a["id"] for a in demo().assets if a["brand_id"] == "brand-trailhead"][1:12]
    conversion = {a: market.asset_effect(a)[1] for a in candidates}
    worst, best = min(conversion, key=conversion.get), max(conversion, key=conversion.get)  # type: ignore[arg-type]
    assert conversion[best] / conversion[worst] > 1.3
    set_budget(adapter, *pair, 600.0, "b")
    adapter.apply(
        Action(
            kind="start_experiment",
            target=Target(channel_id=pair[0], audience_id=pair[1], experiment_id="exp-1"),
            params={"variants": [worst, best]},
            idempotency_key="e",
        )
    )

    rows = market.simulate(START, 60)

    by_asset: dict[str, list[float]] = {worst: [0.0, 0.0], best: [0.0, 0.0]}
    for r in rows:
        by_asset[r["asset_id"]][0] += r["spend"]
        by_asset[r["asset_id"]][1] += r["revenue"]
    assert by_asset[worst][0] == pytest.approx(by_asset[best][0], rel=0.01)  # a 50/50 split
    roas = {a: rev / spend for a, (spend, rev) in by_asset.items()}
    assert roas[best] / roas[worst] == pytest.approx(conversion[best] / conversion[worst], rel=0.1)


def test_an_asset_performs_by_its_copy_not_its_id(embedded: EmbeddedGraphStore) -> None:
    """The content agents mint a new id for each draft (from the plan's random id); the
    same copy drafted under two plans performs the same, so the closed loop is the same
    run to run. Other copy draws its own effect; an asset the graph lacks, by its id."""
    market, _ = market_on(embedded)

    def asset(asset_id: str, body: str) -> Node:
        props = {"id": asset_id, "brand_id": "brand-trailhead", "title": "Boots", "body": body}
        return Node(label=Label.ASSET, id=asset_id, properties=props)

    embedded.write(
        GraphBatch(
            nodes=[
                asset("ast-plan-a", "Waterproof boots for the wet months."),
                asset("ast-plan-b", "Waterproof boots for the wet months."),
                asset("ast-other", "Trail shoes, light as a feather."),
            ]
        )
    )

    same = market.asset_effect("ast-plan-a")
    assert market.asset_effect("ast-plan-b") == same
    assert market.asset_effect("ast-other") != same
    assert market.asset_effect("ast-not-in-graph") != same
    assert market.asset_effect(None) == (1.0, 1.0)
