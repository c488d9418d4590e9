"""The whole loop on the sandbox market, on both backends: plan → approve → execute (drafts
through the publish gate, A/B launches, budgets) → outcomes → validation, with a regime
change that the validation agent must catch and answer with a proposed re-plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from agents.channels.router import ChannelRouter
from agents.orchestrator import Orchestrator
from agents.planner.storage import load_plan
from agents.tasks import task_agents
from agents.validation.agent import ValidationAgent
from api.services import open_index
from api.settings import Settings
from demo import dataset_parts, generate
from demo.loop import run_cycle
from demo.sandbox import SandboxMarket
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import ingest
from retrieval.indexer import Indexer
from retrieval.retriever import HybridRetriever
from tests.integration.test_cli import run
from workflows import Wired
from workflows.research import planning_research

BRAND = "brand-trailhead"
START = date(2026, 12, 1)


@pytest.fixture
def retriever(graph_store: GraphStore, tmp_path: Path) -> Iterator[HybridRetriever]:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=4000)))
    index = open_index(Settings(data_dir=tmp_path))  # type: ignore[call-arg]
    Indexer(graph_store, index).reindex_all()
    try:
        yield HybridRetriever(graph_store, index)
    finally:
        index.close()


def _loop(store: GraphStore, retriever: HybridRetriever) -> tuple[Orchestrator, SandboxMarket]:
    market = SandboxMarket.from_demo(store, seed=7, brand_id=BRAND)
    router = ChannelRouter(store, {BRAND: market})
    orch = Orchestrator(store, agents=task_agents(router), retriever=retriever)
    orch.research = planning_research(Wired(store, retriever, orch))
    orch.bus.subscribe(
        "outcomes_ingested", ValidationAgent(store, router, orch.propose_replan).handle
    )
    return orch, market


def _decisions(store: GraphStore, kind: str) -> list[dict[str, object]]:
    return [
        n.properties
        for n in store.list_nodes(Label.DECISION, limit=10_000)
        if n.properties.get("kind") == kind
    ]


def test_a_cycle_runs_end_to_end_and_a_regime_change_is_caught(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    orch, market = _loop(graph_store, retriever)
    brief = "Winter revenue push for our outdoor gear; keep the best performers funded."
    first = run_cycle(
        orch, market, cycle=1, start=START, days=14, budget=Decimal("40000"), brief=brief
    )
    plan = load_plan(graph_store, first.plan_ids[0])
    assert plan.status == "completed"
    assert {t["status"] for t in plan.tasks} <= {"done", "skipped"}
    assert 0 < first.spend <= 40_000 * 1.05 and first.revenue > first.spend

    # the drafts went through the publish gate, carry their brand score, cite the research
    drafts = _decisions(graph_store, "draft_content")
    assert drafts and all(d["agent"] == "content" for d in drafts)
    assets = [
        a
        for a in graph_store.list_nodes(Label.ASSET, limit=10_000)
        if a.properties.get("plan_id") == plan.id
    ]
    assert assets and all(a.properties["status"] == "approved" for a in assets)
    assert all(0 <= float(a.properties["consistency"]) <= 1 for a in assets)
    assert plan.research_id
    draft_ref = NodeRef(label=Label.DECISION, id=str(drafts[0]["id"]))
    cited = graph_store.incident_edges([draft_ref], 500, {RelType.BASED_ON: "out"})
    assert NodeRef(label=Label.RESEARCH_BRIEF, id=plan.research_id) in {e.dst for e in cited}
    approvals = graph_store.incident_edges([draft_ref], 10, {RelType.APPROVES: "in"})
    assert len(approvals) == 1  # the publish gate

    # outcomes are results of the executions that set their lines
    executions = graph_store.list_nodes(Label.EXECUTION, limit=10_000)
    assert {e.properties["kind"] for e in executions} >= {"set_budget", "start_experiment"}
    some = graph_store.incident_edges([executions[0].ref], 5, {RelType.RESULT_OF: "in"})
    assert some or any(
        graph_store.incident_edges([e.ref], 1, {RelType.RESULT_OF: "in"}) for e in executions
    )

    # A/B decisions follow the stopping rule: each names its statistic and threshold
    for decision in _decisions(graph_store, "ab_decision"):
        assert "threshold" in str(decision["rationale"])
        inputs = json.loads(str(decision["inputs"]))
        assert inputs["outcome"] in ("winner", "no_difference") and inputs["alpha"] == 0.05

    # a regime change in the second week of a four-week cycle: meta brings half from its
    # eighth day, after a week that shows the line's level, and two weekly ingestions see
    # it before the last (the detector takes 5-8 days on a line this noisy, sometimes more)
    market.shock("ch-meta", 0.5, from_date=START + timedelta(days=14 + 7))
    second = run_cycle(
        orch,
        market,
        cycle=2,
        start=START + timedelta(days=14),
        days=28,
        budget=Decimal("40000"),
        brief=brief,
    )
    meta_lines = [
        ln for ln in load_plan(graph_store, second.plan_ids[0]).lines if ln.channel_id == "ch-meta"
    ]
    assert meta_lines, "the plan funds meta, so the change can be seen"
    alerts = graph_store.find_nodes(Label.ALERT, {"plan_id": second.plan_ids[0]}, limit=100)
    # The halved channel is caught, and it is the largest departure. A steady channel may
    # alarm now and then (the loop bench's false-alarm rate, ~3 % of cycles; the drafted
    # assets get fresh ids, and with them fresh true effects, so runs differ).
    assert any(a.properties["channel_id"] == "ch-meta" for a in alerts), alerts
    worst = min(alerts, key=lambda a: float(a.properties["ratio"]))
    assert worst.properties["channel_id"] == "ch-meta", alerts
    assert second.replans >= 1  # a re-plan was proposed, approved and executed
    replan = load_plan(graph_store, second.plan_ids[1])
    assert replan.version == 2 and replan.start_date > second.start
    based = graph_store.incident_edges(
        [NodeRef(label=Label.DECISION, id=replan.decision_id)], 500, {RelType.BASED_ON: "out"}
    )
    assert {e.dst.label for e in based} >= {Label.ALERT, Label.PLAN, Label.RESPONSE_CURVE}


@pytest.mark.parametrize("graph_store", ["embedded"], indirect=True)
def test_a_cycle_without_the_regime_change_raises_no_alert(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    orch, market = _loop(graph_store, retriever)
    report = run_cycle(orch, market, cycle=1, start=START, days=21, budget=Decimal("40000"))
    assert report.alerts == [] and report.replans == 0


def test_an_ab_winner_that_converts_at_half_is_no_drift(
    graph_store: GraphStore, retriever: HybridRetriever
) -> None:
    """The validation agent settles meta's A/B tests after the first week on clicks; here
    the variant that wins on clicks converts at 0.25 where the others convert at 1.4, so
    each settled meta line falls to a quarter from its eighth day, while every other
    channel stays (read from the day totals, meta × returning alarmed in the third week).
    The line's own variants, measured side by side in the first week, say that this is
    the winner's level, not the market's: no alert."""
    orch, market = _loop(graph_store, retriever)
    known: dict[str, tuple[float, float]] = {}

    def effects(asset_id: str | None) -> tuple[float, float]:
        if asset_id is None:
            return (1.0, 1.0)
        if asset_id not in known:
            known[asset_id] = (1.0, 1.0)
            for e in graph_store.find_all(Label.EXPERIMENT, {"channel_id": "ch-meta"}):
                variants = [str(v) for v in e.properties.get("variants", [])]
                if asset_id in variants:
                    known[asset_id] = (2.0, 0.25) if asset_id == variants[0] else (1.0, 1.4)
        return known[asset_id]

    market.asset_effects = effects
    report = run_cycle(orch, market, cycle=1, start=START, days=21, budget=Decimal("40000"))
    settled = [
        e.properties
        for e in graph_store.find_all(Label.EXPERIMENT, {"channel_id": "ch-meta"})
        if e.properties.get("status") == "decided"
    ]
    won = [e for e in settled if e.get("winner") == e["variants"][0]]
    assert won, f"a meta A/B test settled on its click winner in the first week: {settled}"
    alerts = graph_store.find_nodes(Label.ALERT, {"plan_id": report.plan_ids[0]}, limit=100)
    assert alerts == [] and report.replans == 0, [a.properties["message"] for a in alerts]


def test_marketgraph_demo_completes_on_a_fresh_data_dir(tmp_path: Path) -> None:
    result = run(tmp_path, "demo", "--outcome-rows", "4000", "--cycles", "1", "--days", "14")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "cycle 1" in result.stdout and "ROAS" in result.stdout
    assert "why " in result.stdout and "outcome rows" in result.stdout
