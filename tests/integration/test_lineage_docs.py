"""Every Cypher query in docs/lineage.md runs against a real Neo4j and finds what it says."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import migrations
from agents.orchestrator.gates import decide, find_gate
from agents.orchestrator.policy import ApprovalPolicy
from agents.planner.plan import PlanRequest, make_plan
from agents.planner.storage import load_plan
from agents.planner.versions import replan
from demo import dataset_parts, generate
from graph.models import NodeRef
from ingest import ingest
from tests.conftest import Neo4jConnection, clear_neo4j, open_neo4j_store

DOC = Path(__file__).resolve().parents[2] / "docs" / "lineage.md"
_BLOCK = re.compile(r"```cypher\n// (?P<name>[a-z0-9-]+)\n(?P<query>.*?)```", re.DOTALL)

pytestmark = pytest.mark.neo4j


def doc_queries() -> dict[str, str]:
    return {m["name"]: m["query"] for m in _BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def planned(neo4j_connection: Neo4jConnection) -> Any:
    """A Neo4j holding a slice of the demo data and one plan made from it."""
    store = open_neo4j_store(neo4j_connection)
    clear_neo4j(store)
    migrations.apply_pending(store)
    report = ingest(store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    request = PlanRequest(
        brand_id="brand-trailhead",
        budget=Decimal("30000.00"),
        start_date="2026-12-01",  # type: ignore[arg-type]
        end_date="2026-12-31",  # type: ignore[arg-type]
    )
    plan = make_plan(store, request, requested_by="pat")
    gate = find_gate(store, plan.decision_id, ApprovalPolicy())
    decide(store, gate, "approved", "sam", "approver", "looks right")
    newer = replan(store, plan.id, {"budget": "25000.00"}, requested_by="pat")
    yield store, load_plan(store, plan.id), report, newer
    store.close()


def run(store: Any, name: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = store._driver.execute_query(doc_queries()[name], params)
    return [r.data() for r in records]


def test_the_doc_has_every_query_this_test_knows() -> None:
    assert set(doc_queries()) == {
        "allocation-to-approval-and-rows",
        "allocation-to-evidence",
        "decision-curve-weights",
        "decision-neighbourhood",
        "plan-allocations",
        "plan-versions",
        "plan-run",
        "outcome-provenance",
        "ingest-run-contents",
        "campaign-picture",
        "research-evidence",
    }


def test_an_allocation_leads_to_its_approval_curve_version_and_outcome_rows(
    planned: Any,
) -> None:
    store, plan, _, _ = planned
    line = plan.lines[0]
    rows = run(store, "allocation-to-approval-and-rows", id=line.allocation_id)
    assert {r["metric"] for r in rows} == {"revenue", "conversions"}
    assert {(r["plan"], r["version"], r["decision"]) for r in rows} == {
        (plan.id, 1, plan.decision_id)
    }
    assert all(r["approved_by"] == ["sam"] and r["revision"] == 1 for r in rows)
    revenue = next(r for r in rows if r["metric"] == "revenue")
    assert revenue["curve"] == line.curve_id
    curve = store.get_node(NodeRef(label=label_of("ResponseCurve"), id=line.curve_id))
    assert revenue["outcome_rows"] == curve.properties["n_rows"]
    for outcome_id in revenue["some_rows"]:
        outcome = store.get_node(NodeRef(label=label_of("Outcome"), id=outcome_id))
        assert outcome.properties["channel_id"] == line.channel_id
        assert outcome.properties["audience_id"] == line.audience_id


def test_an_allocation_leads_back_to_its_decision_and_own_curves(planned: Any) -> None:
    store, plan, _, _ = planned
    line = plan.lines[0]
    allocation = store.get_node(NodeRef(label=label_of("Allocation"), id=line.allocation_id))
    rows = run(store, "allocation-to-evidence", id=allocation.id)
    assert rows and {r["d"]["id"] for r in rows} == {plan.decision_id}
    assert {r["agent"]["id"] for r in rows} == {"planner"}
    # the line's own curves (revenue and conversions of its pair), not the brand's many
    curves = {r["c"]["id"]: r["c"] for r in rows}
    assert line.curve_id in curves and len(curves) == 2
    assert {c["metric"] for c in curves.values()} == {"revenue", "conversions"}
    for c in curves.values():
        assert (c["channel_id"], c["audience_id"]) == (line.channel_id, line.audience_id)
    assert {r["x"]["id"] for r in rows} == {line.channel_id, line.audience_id}
    assert len(rows) == 4  # two curves, each fitted on a channel and an audience
    all_curves = store.incident_edges(
        [NodeRef(label=label_of("Decision"), id=plan.decision_id)],
        10_000,
        {rel_of("BASED_ON"): "out"},
    )
    assert sum(1 for e in all_curves if e.dst.label.value == "ResponseCurve") > len(curves)
    # each curve carries the weight the decision gave it, when the decision cites it
    weights = [r["weight"] for r in rows if r["weight"] is not None]
    assert weights and all(0 <= w <= 1 for w in weights)
    assert weights == sorted(weights, reverse=True)


def test_a_decision_lists_the_weight_of_every_curve(planned: Any) -> None:
    store, plan, _, _ = planned
    rows = run(store, "decision-curve-weights", id=plan.decision_id)
    decision = NodeRef(label=label_of("Decision"), id=plan.decision_id)
    edges = store.incident_edges([decision], 10_000, {rel_of("BASED_ON"): "out"})
    assert len(rows) == sum(1 for e in edges if e.dst.label.value == "ResponseCurve")
    assert [r["weight"] for r in rows] == sorted((r["weight"] for r in rows), reverse=True)
    top = rows[0]
    assert (top["channel"], top["audience"]) == (
        plan.lines[0].channel_id,
        plan.lines[0].audience_id,
    )


def test_a_decision_shows_its_agent_evidence_and_effects(planned: Any) -> None:
    store, plan, _, _ = planned
    (row,) = run(store, "decision-neighbourhood", id=plan.decision_id)
    assert row["agent"]["id"] == "planner"
    assert row["evidence"] and [a["approver"] for a in row["approvals"]] == ["sam"]
    assert plan.id in {e["id"] for e in row["effects"]}


def test_a_plan_lists_its_allocations(planned: Any) -> None:
    store, plan, _, _ = planned
    rows = run(store, "plan-allocations", id=plan.id)
    assert len(rows) == len(plan.lines)
    assert sum(Decimal(str(r["budget"])) for r in rows) == Decimal("30000.00")


def test_a_plan_lists_its_versions_and_verdicts(planned: Any) -> None:
    store, _, _, newer = planned
    rows = run(store, "plan-versions", id=newer.id)
    assert [(r["version"], r["made_by"]) for r in rows] == [(2, "replan"), (1, "plan")]
    assert rows[1]["verdicts"] == ["sam: approved"] and rows[1]["status"] == "superseded"


def test_a_plan_run_lists_its_tasks_in_order(planned: Any) -> None:
    store, plan, _, _ = planned
    rows = run(store, "plan-run", id=plan.id)
    assert len(rows) == len(plan.tasks)
    assert rows[0]["after"] == [] and rows[-1]["task"] == "budget-monitor"
    assert {r["status"] for r in rows} == {"pending"}


def test_an_outcome_leads_back_to_its_file_and_line(planned: Any) -> None:
    store, _, _, _ = planned
    outcome = store.list_nodes(label_of("Outcome"), limit=1)[0]
    (row,) = run(store, "outcome-provenance", id=outcome.id)
    assert row["file"] == "demo:outcomes.jsonl" and row["line"] >= 1
    assert len(row["sha256"]) == 64
    assert outcome.properties["campaign_id"] in {x["id"] for x in row["of"]}


def test_an_ingest_run_counts_what_it_wrote(planned: Any) -> None:
    store, _, report, _ = planned
    kinds = {r["kind"]: r["nodes"] for r in run(store, "ingest-run-contents", id=report.run_id)}
    assert kinds["Outcome"] == store.count(label_of("Outcome"))
    assert kinds["Campaign"] == store.count(label_of("Campaign"))


def test_a_campaign_picture(planned: Any) -> None:
    store, _, _, _ = planned
    (row,) = run(store, "campaign-picture", id="cmp-trailhead-0001")
    assert row["b"]["id"] == "brand-trailhead" and row["around"]


def test_a_research_brief_counts_what_it_cites(planned: Any, tmp_path: Path) -> None:
    from agents.research import ResearchRequest, research
    from graph.models import NodeRef
    from graph.schema import Label, RelType
    from retrieval.edge import EdgeTextIndex
    from retrieval.indexer import Indexer
    from retrieval.retriever import HybridRetriever

    store, _, _, _ = planned
    index = EdgeTextIndex(tmp_path / "index")
    try:
        Indexer(store, index).reindex_all()
        result = research(
            store,
            HybridRetriever(store, index),
            ResearchRequest(brand_id="brand-trailhead", topic="waterproof hiking boots"),
        )
    finally:
        index.close()
    rows = run(store, "research-evidence", id=result.id)
    kinds = {r["kind"]: r["cited"] for r in rows}
    assert {r["decision"] for r in rows} == {result.decision_id}
    assert {r["brief"] for r in rows} == {result.brief_id}
    assert {"Outcome", "Asset", "Brief"} <= set(kinds)
    decision = NodeRef(label=Label.DECISION, id=result.decision_id)
    edges = store.incident_edges([decision], 10_000, {RelType.BASED_ON: "out"})
    assert sum(kinds.values()) == len(edges)


def label_of(name: str) -> Any:
    from graph.schema import Label

    return Label(name)


def rel_of(name: str) -> Any:
    from graph.schema import RelType

    return RelType(name)
